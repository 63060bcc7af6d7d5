"""Production-grade headers and host checks."""

import asyncio

import pytest


def test_a_wrong_host_is_refused_with_400(client, db):
    from django.test import Client

    response = Client(raise_request_exception=False).get(
        "/accounts/login/", HTTP_HOST="evil.example.com"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_pages_deny_framing_and_leak_no_referrer(client, db, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_with_host_links_are_never_stored(client, alice, alices_room):
    client.force_login(alice)
    dashboard = client.get("/")
    assert alices_room.host_secret in dashboard.content.decode()
    assert no_store(dashboard)
    for page in ("customize", "activity"):
        response = client.get(f"/rooms/{alices_room.code}/{page}/")
        assert response.status_code == 200, page
        assert no_store(response), page
    # An htmx partial too: the dashboard's tile holds the host link.
    tile = client.post(
        f"/rooms/{alices_room.code}/rename/", {"name": "Retro"}, HTTP_HX_REQUEST="true"
    )
    assert tile.status_code == 200
    assert no_store(tile)


def test_the_hosts_room_page_is_never_stored(client, alices_room):
    client.get(alices_room.host_path)
    joined = client.post(f"{alices_room.host_path}join/", {"display_name": "Hana"})
    page = client.get(joined.url)
    assert "Host controls" in page.content.decode()
    assert no_store(page)


@pytest.mark.parametrize("path", ["/accounts/login/", "/nowhere/"])
def test_every_html_page_is_never_stored(client, db, path):
    assert no_store(client.get(path))


def test_uploaded_images_stay_cacheable(client, alices_room, media, monkeypatch):
    from session_rooms import urls
    from tests.rooms.images import give_images

    give_images(alices_room)
    (served,) = [p for p in urls.urlpatterns if "document_root" in getattr(p, "default_args", {})]
    monkeypatch.setitem(served.default_args, "document_root", media)
    response = client.get(alices_room.logo.url)
    assert response.status_code == 200
    assert not no_store(response)
    response.close()


@pytest.mark.parametrize(
    "path", ["/static/css/app.css", "/static/js/app.js", "/static/img/logo.svg"]
)
async def test_static_files_are_served_with_nosniff(path):
    from session_rooms.asgi import application

    scope = {"type": "http", "method": "GET", "path": path, "query_string": b""}
    scope["headers"] = [(b"host", b"127.0.0.1:8000")]
    sent, asked = [], []

    async def receive() -> dict:
        asked.append(1)
        if len(asked) > 1:  # The browser is done; it waits for the answer.
            await asyncio.sleep(3600)
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    await asyncio.wait_for(application(scope, receive, send), 10)
    start = sent[0]
    assert start["status"] == 200
    assert (b"X-Content-Type-Options", b"nosniff") in start["headers"]
