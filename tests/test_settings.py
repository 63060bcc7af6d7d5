"""Settings come from the environment, and a bad value stops start-up naming the variable."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_LAYER = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.CHANNEL_LAYERS, s.DATABASES['default']['ENGINE'], "
    "s.SESSION_COOKIE_SECURE], default=repr))"
)

# What a deployment sets; each test chooses its own.
DEPLOYMENT = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "JANUS_URL", "SITE_URL"}
DEPLOYMENT |= {"ALLOWED_HOSTS", "EXTRA_ORIGINS"}


def start(code: str = PRINT_LAYER, **env: str) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh Python with Django set up from `env`, as a server would start."""
    clean = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT}
    clean["DJANGO_SETTINGS_MODULE"] = "session_rooms.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"SITE_URL": "rooms.example.com"}, "SITE_URL must be a URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must be a URL"),
        ({"WAITING_ROOM_CAP": "lots"}, "WAITING_ROOM_CAP must be a whole number"),
        ({"ASK_LIMIT_PER_MINUTE": "0"}, "ASK_LIMIT_PER_MINUTE must be at least 1"),
        ({"WAITING_PER_CLIENT": "0"}, "WAITING_PER_CLIENT must be at least 1"),
        (
            {"WAITING_LEFT_AFTER": "60"},
            "WAITING_LEFT_AFTER must be at least 3 x PRESENCE_HEARTBEAT (90)",
        ),
        (
            {"WAITING_LEFT_AFTER": "600", "WAITING_EXPIRE_AFTER": "300"},
            "WAITING_EXPIRE_AFTER must be at least WAITING_LEFT_AFTER (600)",
        ),
        ({"ROOM_SOCKETS_PER_SESSION": "many"}, "ROOM_SOCKETS_PER_SESSION must be a whole number"),
        ({"STREAM_COALESCE_MS": "0"}, "STREAM_COALESCE_MS must be at least 1"),
        ({"MEETING_MESH_LIMIT": "six"}, "MEETING_MESH_LIMIT must be a whole number"),
        ({"MEETING_MESH_LIMIT": "0"}, "MEETING_MESH_LIMIT must be at least 1"),
        ({"EMAIL_HOST": "mail", "EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must be an IANA time zone"),
        ({"EXTRA_ORIGINS": "rooms.example.com"}, "EXTRA_ORIGINS must list origins like"),
        ({"EXTRA_ORIGINS": "https://rooms.example.com/app"}, "EXTRA_ORIGINS must list origins"),
        ({"EXTRA_ORIGINS": "https://rooms.example.com:https"}, "EXTRA_ORIGINS must list origins"),
        (
            {"DATABASE_URL": "mysql://x@localhost/db"},
            "DATABASE_URL must point at SQLite or PostgreSQL",
        ),
    ],
)
def test_a_bad_value_stops_start_up_and_names_the_variable(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_embedded_default_is_sqlite_and_the_in_memory_layer():
    result = start()
    assert result.returncode == 0, result.stderr
    assert '"channels.layers.InMemoryChannelLayer"' in result.stdout
    assert "sqlite3" in result.stdout


def test_redis_url_selects_channels_redis_without_a_socket_timeout():
    result = start(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert '"channels_redis.core.RedisChannelLayer"' in result.stdout
    assert '"socket_timeout": null' in result.stdout
    # A restarted Redis leaves dead pooled connections: each is retried once on a new one.
    assert "redis.exceptions.ConnectionError" in result.stdout


def test_an_https_site_url_makes_cookies_secure():
    result = start(DEBUG="false", SECRET_KEY="x" * 60, SITE_URL="https://rooms.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("true]")


PRINT_ORIGINS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from session_rooms.asgi import application; "
    "from urllib.parse import urlparse; "
    "check = application.application_mapping['websocket'].valid_origin; "
    "origins = ['https://rooms.example.com', 'https://rooms.example.com:8443', "
    "'http://rooms.example.com', 'https://app.example.net', 'https://localhost', "
    "'http://127.0.0.1:8000']; "
    "print(json.dumps([s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, "
    "[o for o in origins if check(urlparse(o))]]))"
)
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "SITE_URL": "https://rooms.example.com"}


def test_production_hosts_and_origins_are_the_site_url_only():
    result = start(PRINT_ORIGINS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    hosts, csrf, sockets = json.loads(result.stdout)
    assert hosts == ["rooms.example.com"]
    assert csrf == ["https://rooms.example.com"]
    assert sockets == ["https://rooms.example.com"]


def test_extra_origins_are_trusted_with_their_scheme_and_port():
    extra = "https://rooms.example.com:8443,https://App.example.net"
    result = start(PRINT_ORIGINS, EXTRA_ORIGINS=extra, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    hosts, csrf, sockets = json.loads(result.stdout)
    assert hosts == ["rooms.example.com", "app.example.net"]
    expected = ["https://rooms.example.com", "https://rooms.example.com:8443"]
    assert csrf == [*expected, "https://app.example.net"]
    assert sockets == [*expected, "https://app.example.net"]


def test_while_developing_loopback_names_are_allowed_hosts():
    result = start(PRINT_ORIGINS, DEBUG="true")
    assert result.returncode == 0, result.stderr
    hosts, _, sockets = json.loads(result.stdout)
    assert hosts == ["127.0.0.1", "localhost", "[::1]"]
    assert sockets == ["http://127.0.0.1:8000"]


def test_the_readme_lists_every_variable_the_settings_read():
    source = (settings.BASE_DIR / "session_rooms" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_\w+)\(\s*["']([A-Z_]+)["']""", source))
    readme = (settings.BASE_DIR / "README.md").read_text()
    table = readme[readme.index("## Settings") : readme.index("## Tests")]
    assert len(read) > 20
    assert sorted(name for name in read if f"`{name}`" not in table) == []


POOL = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}).get('pool'), default=repr))"
)


def test_postgresql_connections_are_pooled_per_process_when_turned_on():
    url = "postgres://postgres@127.0.0.1:5432/session_rooms"
    assert json.loads(start(POOL, DATABASE_URL=url).stdout) is None  # Off by default.
    pooled = start(POOL, DATABASE_URL=url, DATABASE_POOL="true")
    assert pooled.returncode == 0, pooled.stderr
    pool = json.loads(pooled.stdout)
    assert pool["max_size"] == 20 and pool["min_size"] == 1
    sized = json.loads(
        start(POOL, DATABASE_URL=url, DATABASE_POOL="true", DATABASE_POOL_SIZE="5").stdout
    )
    assert sized["max_size"] == 5
    assert json.loads(start(POOL, DATABASE_URL=url, DATABASE_POOL="false").stdout) is None
    age = "import django; django.setup(); from django.conf import settings as s; "
    age += "print(s.DATABASES['default']['CONN_MAX_AGE'])"
    persistent = start(age, DATABASE_URL=url, DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="60")
    assert persistent.stdout.strip() == "60"
    assert json.loads(start(POOL).stdout) is None  # SQLite: one file, nothing to pool
