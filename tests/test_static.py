"""Static files as production serves them without nginx: collected under hashed names, cached
for a year, compressed when asked; and as `make run` serves them, straight from static/
(issue 14)."""

import gzip
import re
import urllib.request

import pytest

from tests.live import LiveServer


def get(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return r.status, r.headers, r.read()


@pytest.fixture
def production(transactional_db):
    server = LiveServer()  # DEBUG off, STATIC_ROOT from collectstatic (tests.live)
    yield server
    server.stop()


def test_a_page_names_the_hashed_file_which_is_cached_for_a_year_and_gzipped(production):
    _, _, page = get(production.url + "/accounts/login/")
    (hashed,) = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.decode())
    status, headers, body = get(production.url + hashed, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, plain = get(production.url + hashed)
    assert "Content-Encoding" not in headers
    assert gzip.decompress(body) == plain
    assert b"body" in plain


def test_the_unhashed_name_is_still_served_but_not_cached_for_long(production):
    status, headers, _ = get(production.url + "/static/css/app.css")
    assert status == 200
    assert headers["Cache-Control"] == "max-age=60, public"


def test_the_embedded_default_serves_static_files_as_they_are(transactional_db, tmp_path):
    # make run: DEBUG on, nothing collected.
    server = LiveServer(DEBUG="true", STATIC_ROOT=str(tmp_path / "never-collected"))
    try:
        _, _, page = get(server.url + "/accounts/login/")
        assert 'href="/static/css/app.css"' in page.decode()
        status, headers, body = get(server.url + "/static/css/app.css")
    finally:
        server.stop()
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b"body" in body
