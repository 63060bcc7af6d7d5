"""Production headers: check --deploy is clean, TLS is enforced, and no page can run a script
or a style the policy did not allow, from a template we ship or from a response we send."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import collected_static

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://rooms.example.com",
    "BEHIND_PROXY": "true",
}
# What a deployment sets itself; the tests choose their own.
DEPLOYMENT_VARIABLES = {
    "DATABASE_URL",
    "TEST_DATABASE_NAME",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "BEHIND_PROXY",
    "SECURE_SSL_REDIRECT",
}


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "session_rooms.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(collected_static()),  # DEBUG off renders only collected names
        **PRODUCTION,
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# Run in a process of its own: the settings derive from SITE_URL when they are first read.
BEHIND_TLS = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from accounts.models import User
User.objects.create_user("alice@example.com", "correct-horse-battery-staple", display_name="A")
host = {"HTTP_HOST": "rooms.example.com"}
plain = Client().get("/accounts/login/?next=/", **host)
proxied = Client(HTTP_X_FORWARDED_PROTO="https", **host)
page = proxied.get("/accounts/login/")
login = proxied.post(
    "/accounts/login/",
    {"username": "alice@example.com", "password": "correct-horse-battery-staple"},
)
cookie = lambda response, name: {
    "secure": bool(response.cookies[name]["secure"]),
    "httponly": bool(response.cookies[name]["httponly"]),
    "samesite": response.cookies[name]["samesite"],
}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "page": page.status_code,
    "hsts": page.get("Strict-Transport-Security"),
    "csrf": cookie(page, "csrftoken"),
    "login": login.status_code,
    "session": cookie(login, "sessionid"),
}))
"""


@pytest.fixture(scope="module")
def behind_tls(tmp_path_factory) -> dict:
    result = run(["-c", BEHIND_TLS], tmp_path_factory.mktemp("tls"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(behind_tls):
    status, location = behind_tls["plain"]
    assert status == 301
    assert location == "https://rooms.example.com/accounts/login/?next=/"


def test_https_responses_carry_hsts_for_a_year_with_subdomains(behind_tls):
    assert behind_tls["page"] == 200
    assert behind_tls["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_secure_behind_tls(behind_tls):
    assert behind_tls["login"] == 302
    assert behind_tls["session"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert behind_tls["csrf"]["secure"] is True


def test_without_tls_the_embedded_default_sets_no_hsts(client, db):
    # A plain-http SITE_URL (the one-command default) must not pin browsers to https.
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"  # the security middleware did run
    assert "Strict-Transport-Security" not in response.headers


def directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


@pytest.fixture
def pages(client, alice, alices_room) -> dict[str, object]:
    anonymous = client.get("/accounts/login/")
    lobby = client.get(alices_room.participant_path)
    client.force_login(alice)
    return {
        "login": anonymous,
        "lobby": lobby,
        "dashboard": client.get("/"),
        "customize": client.get(f"/rooms/{alices_room.code}/customize/"),
        "activity": client.get(f"/rooms/{alices_room.code}/activity/"),
        "404": client.get("/no/such/page/"),
    }


def test_the_policy_allows_no_inline_or_eval_script_anywhere(pages):
    for where, response in pages.items():
        policy = directives(response.headers["Content-Security-Policy"])
        script = policy["script-src"]
        assert script[0] == "'self'", where
        assert [v for v in script[1:] if not v.startswith("'nonce-")] == [], where
        for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"):
            assert forbidden not in script, where
            assert forbidden not in policy["default-src"], where
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["style-src"]


def test_every_script_in_a_page_is_a_file_of_ours_or_carries_this_responses_nonce(pages):
    for where, response in pages.items():
        policy = directives(response.headers["Content-Security-Policy"])
        (nonce,) = [v[len("'nonce-") : -1] for v in policy["script-src"] if v.startswith("'nonce")]
        html = response.content.decode()
        scripts = SCRIPT_TAG.findall(html)
        assert scripts, where
        for attributes, body in scripts:
            if "src=" in attributes:
                assert re.search(r'src="/static/', attributes), (where, attributes)
                assert body.strip() == "", where
            else:
                assert f'nonce="{nonce}"' in attributes, (where, attributes)
        assert re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html) is None, where


TEMPLATES = sorted(
    path for path in (settings.BASE_DIR / "templates").rglob("*.html") if path.is_file()
)
# Tags only: an attribute is whatever sits between "<name" and ">".
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=[str(p.relative_to(settings.BASE_DIR)) for p in TEMPLATES]
)
def test_a_template_has_no_inline_handler_style_or_unnonced_script(path):
    text = path.read_text()
    for tag in TAG.findall(text):
        name = tag[1:].split(None, 1)[0].rstrip(">").lower()
        assert not re.search(r"\son[a-z]+\s*=", tag), f"inline event handler: {tag}"
        assert not re.search(r"\shx-on\b|\shx-on[:-]", tag), f"hx-on runs inline code: {tag}"
        assert not re.search(r"\sstyle\s*=", tag), f"style attribute, blocked by CSP: {tag}"
        assert "javascript:" not in tag.lower(), f"javascript: URL: {tag}"
        if name in {"script", "style"}:
            assert 'nonce="{{ csp_nonce }}"' in tag, f"<{name}> without the nonce: {tag}"


def test_no_template_marks_text_safe_but_django_help_text():
    # |safe or autoescape off on a room's text would be stored XSS; help text is our own.
    allowed = {("accounts/form.html", "{{ field.help_text|safe }}")}
    found = set()
    for path in TEMPLATES:
        for match in re.finditer(
            r"\{\{[^}]*\|\s*safe[^}]*\}\}|\{%\s*autoescape\s+off", path.read_text()
        ):
            found.add((str(path.relative_to(settings.BASE_DIR / "templates")), match.group()))
    assert found <= allowed, found - allowed
