"""Settings for Session Rooms, read from the environment; a bad value stops start-up."""

import os
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from redis.exceptions import ConnectionError as RedisConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, not {number}.")
    return number


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_url(name: str, default: str | None, schemes: set[str]) -> str | None:
    value = os.environ.get(name) or default
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with {allowed}, not {value!r}.")
    return value


DEBUG = env_bool("DEBUG", default=True)
# Django's debug pages (a 404 listing every URL pattern, a 500 with its traceback) while DEBUG is
# on; off, error pages look like the product's (common.errors), as they do in production.
DEBUG_PAGES = env_bool("DEBUG_PAGES", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"


def env_origins(name: str) -> list[str]:
    """Comma-separated origins, each scheme://host[:port] and nothing more."""
    origins = env_list(name, [])
    for origin in origins:
        parts = urlsplit(origin)
        try:
            parts.port  # noqa: B018 (a port that is not a number raises)
        except ValueError:
            parts = parts._replace(netloc="")
        extra = parts.path.strip("/") or parts.query or parts.fragment or parts.username
        if parts.scheme not in {"http", "https"} or not parts.hostname or extra:
            raise ImproperlyConfigured(
                f"{name} must list origins like https://rooms.example.com:8443, not {origin!r}."
            )
    return [origin.rstrip("/").lower() for origin in origins]


SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")
_site = urlsplit(SITE_URL)

# The origins pages of this site are served from: SITE_URL's, and any other address it is
# reached at. A WebSocket must come from one of them, scheme, host and port alike
# (session_rooms.asgi); a page on another port of the same host is another site.
EXTRA_ORIGINS = env_origins("EXTRA_ORIGINS")
SITE_ORIGINS = [f"{_site.scheme}://{_site.netloc}".lower(), *EXTRA_ORIGINS]
CSRF_TRUSTED_ORIGINS = SITE_ORIGINS


def host_of(origin: str) -> str:
    """The name ALLOWED_HOSTS matches a Host header against: an IPv6 address in brackets."""
    host = urlsplit(origin).hostname
    return f"[{host}]" if ":" in host else host


# Loopback names only while developing: in production a Host of 127.0.0.1 is refused too.
_loopback = ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", list(dict.fromkeys([*map(host_of, SITE_ORIGINS), *_loopback]))
)

INSTALLED_APPS = [
    "daphne",
    "accounts.apps.AdminConfig",  # Django's admin, its log-in limited like every other
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below.
    "django_htmx",
    "channels",
    "common",
    "accounts",
    "rooms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ from STATIC_ROOT (DEBUG on: straight from static/ and the apps), after
    # SecurityMiddleware so its headers (nosniff) reach these files too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "common.headers.NoStoreMiddleware",
    "common.errors.ProductErrorPages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "common.limits.RateLimitMiddleware",
]

ROOT_URLCONF = "session_rooms.urls"
ASGI_APPLICATION = "session_rooms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rooms.context_processors.themes",
            ],
        },
    },
]
# Every form's fields through templates/forms/field.html (`{{ form.field.as_field_group }}`).
FORM_RENDERER = "common.forms.FormRenderer"

# Embedded default: a SQLite file beside the code. Production: DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
_engine = DATABASES["default"]["ENGINE"]
if _engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured(f"DATABASE_URL must point at SQLite or PostgreSQL, not {_engine}.")
# Named explicitly (channels#2176); a file, so live servers in another process can share it.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("TEST_DATABASE_NAME")
    or (
        str(BASE_DIR / "test-db.sqlite3")
        if _engine == "django.db.backends.sqlite3"
        else "test_session_rooms"
    )
}
# Off by default for now: measured faster (README, DATABASE_POOL), and on by default with the
# next CI run that has it on (a stall first blamed on it came from the test browser).
if _engine == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", default=False):
    # A pool per process (psycopg_pool, Django's built-in support): a request or a consumer's
    # database hop borrows an open connection instead of opening one (about 4 ms each here).
    # Connections are checked when borrowed, so a restarted PostgreSQL costs one retry, not
    # an error. At most DATABASE_POOL_SIZE per process: mind max_connections (README).
    from psycopg_pool import ConnectionPool

    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_SIZE", 20),  # HTTP_CONCURRENCY, and the consumers
            "timeout": 10,
            "check": ConnectionPool.check_connection,
        }
    }
elif _engine == "django.db.backends.postgresql":
    # Unpooled: persistent connections per thread instead, if asked for (seconds; 0 closes
    # each at the end of its request). Slower than the pool here (README, its variables).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if _engine == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# HTTP requests inside Django at once, per process (common.asgi.BoundedHTTP): each runs
# in its own thread with its own database connection, so this bounds the connections a burst
# opens (PostgreSQL refuses past max_connections, 100 by default). Two cores gain nothing past it.
HTTP_CONCURRENCY = env_int("HTTP_CONCURRENCY", 16)

REDIS_URL = env_url("REDIS_URL", None, {"redis", "rediss", "unix"})
# After Redis restarts, every pooled connection is dead: retrying once on a fresh connection
# means the first socket or page after the restart works instead of failing on a stale one.
REDIS_RETRY = {"retry_on_error": [RedisConnectionError]}
# Redis connections the channel layer may hold at once per process: one per command in flight.
# redis-py 8 defaults to 100 and refuses the next at once (a 500 for that socket), which a
# burst of arrivals reaches; Redis itself takes 10,000 clients by default.
REDIS_CONNECTIONS = env_int("REDIS_CONNECTIONS", 1000)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout None: redis-py 8 otherwise drops idle consumers (channels_redis#422).
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": REDIS_CONNECTIONS,
                        **REDIS_RETRY,
                    }
                ]
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Seconds between a room socket's "still here" writes; a row silent for three of them belongs to
# a process that died (killed, crashed), and leaves the room's "Who is here now" list.
PRESENCE_HEARTBEAT = env_int("PRESENCE_HEARTBEAT", 30)
# People in a room who get media on the mesh (browsers connected to each other, the embedded
# default), by arrival; anyone past it enters and sees who is here, without video.
MEETING_MESH_LIMIT = env_int("MEETING_MESH_LIMIT", 6)


def janus_servers() -> dict[str, str]:
    """Each Janus instance: the WebSocket URL browsers use → the admin API URL the app uses."""
    public = env_list("JANUS_URL", [])
    admin = env_list("JANUS_ADMIN_URL", [])
    for name, urls, schemes in (("JANUS_URL", public, "ws"), ("JANUS_ADMIN_URL", admin, "http")):
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in {schemes, schemes + "s"} or not parts.hostname:
                raise ImproperlyConfigured(
                    f"{name} must list {schemes}:// or {schemes}s:// URLs, not {url!r}."
                )
    if len(public) != len(admin) or len(set(public)) != len(public):
        raise ImproperlyConfigured(
            "JANUS_ADMIN_URL must name one admin API URL per JANUS_URL entry, in the same order "
            f"(JANUS_URL has {len(public)}, JANUS_ADMIN_URL {len(admin)}), with no repeats."
        )
    return dict(zip(public, admin, strict=True))


# Meetings through Janus (README, "Meetings through Janus"). Unset: browsers connect directly.
JANUS_SERVERS = janus_servers()
JANUS_ADMIN_SECRET = os.environ.get("JANUS_ADMIN_SECRET", "")
if JANUS_SERVERS and len(JANUS_ADMIN_SECRET) < 16:
    raise ImproperlyConfigured(
        "JANUS_ADMIN_SECRET must be set (at least 16 characters) when JANUS_URL is: Janus's "
        "admin_secret and its VideoRoom admin_key (deploy/janus/render.py writes both)."
    )
# Seconds a Janus credential lasts unless its holder renews it (they do while they stay).
JANUS_CREDENTIAL_TTL = env_int("JANUS_CREDENTIAL_TTL", 120)

# Seconds a process given SIGTERM (`manage.py serve`) waits for its requests in flight and its
# sockets' consumers before it stops (README, "Several processes behind nginx").
SHUTDOWN_GRACE = env_int("SHUTDOWN_GRACE", 20)

# The cache holds the abuse-limit counters: shared through Redis when it is configured.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "session-rooms"),
            "OPTIONS": REDIS_RETRY,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Abuse limits: tries per client (an account, or an address: IPv6 by /64) per window (seconds).
LOGIN_LIMIT = (10, 300)
LINK_LIMIT = (20, 300)
SIGNUP_LIMIT = (10, 3600)
PASSWORD_RESET_LIMIT = (5, 900)
# "Ask to join" per client address per minute (a flood of fresh guests from one address), and
# how many guests may wait in one room at once.
ASK_LIMIT = (env_int("ASK_LIMIT_PER_MINUTE", 30), 60)
# Rooms one account creates or duplicates a minute (each copy copies up to 11 MB of images).
NEW_ROOM_LIMIT = (env_int("NEW_ROOMS_PER_MINUTE", 10), 60)
WAITING_ROOM_CAP = env_int("WAITING_ROOM_CAP", 1000)
# Requests one client (an account, or an address: IPv6 by /64) may have waiting in one room at
# once, so one machine cannot fill the waiting room.
WAITING_PER_CLIENT = env_int("WAITING_PER_CLIENT", 5)
# Seconds a waiting guest may have no waiting page open (its socket gone, no reload) before the
# request counts as left: out of the counts and the caps, shown as "left"; and before it
# expires (deleted). Left must outlast a few heartbeats of the page's socket.
WAITING_LEFT_AFTER = env_int("WAITING_LEFT_AFTER", 120)
WAITING_EXPIRE_AFTER = env_int("WAITING_EXPIRE_AFTER", 3600)
if WAITING_LEFT_AFTER < 3 * PRESENCE_HEARTBEAT:
    raise ImproperlyConfigured(
        f"WAITING_LEFT_AFTER must be at least 3 x PRESENCE_HEARTBEAT ({3 * PRESENCE_HEARTBEAT}), "
        f"not {WAITING_LEFT_AFTER}: a waiting page beats every PRESENCE_HEARTBEAT seconds."
    )
# Seconds someone let in may be away from the room (no room page open: no socket, no reload)
# and still come back without asking: long enough for a reload or a network blip, short enough
# that admission lasts for the visit. Also how long an Allow waits for its guest to come in.
ADMISSION_GRACE = env_int("ADMISSION_GRACE", 120)
if ADMISSION_GRACE < 3 * PRESENCE_HEARTBEAT:
    raise ImproperlyConfigured(
        f"ADMISSION_GRACE must be at least 3 x PRESENCE_HEARTBEAT ({3 * PRESENCE_HEARTBEAT}), "
        f"not {ADMISSION_GRACE}: an open room page beats every PRESENCE_HEARTBEAT seconds."
    )
if WAITING_EXPIRE_AFTER < WAITING_LEFT_AFTER:
    raise ImproperlyConfigured(
        f"WAITING_EXPIRE_AFTER must be at least WAITING_LEFT_AFTER ({WAITING_LEFT_AFTER}), "
        f"not {WAITING_EXPIRE_AFTER}."
    )
# Open sockets of one room (lobby, room page and meeting streams, every tab) per browser session
# and per client address; past either, a new one is closed with 4409. A room page holds two or
# three (three for a host).
ROOM_SOCKETS_PER_SESSION = env_int("ROOM_SOCKETS_PER_SESSION", 12)
ROOM_SOCKETS_PER_ADDRESS = env_int("ROOM_SOCKETS_PER_ADDRESS", 100)
# "Who is here" (the room page's list and the meeting's roster) re-renders at most once in this
# many milliseconds per socket: a lone change shows at once, a burst makes one render a window.
STREAM_COALESCE_MS = env_int("STREAM_COALESCE_MS", 250)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "rooms:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE") or "UTC"
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone such as Europe/Paris, not {TIME_ZONE!r}."
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# DEBUG off: `manage.py collectstatic` writes every file under a name holding its hash, with a
# gzip copy, and WhiteNoise serves them from STATIC_ROOT with a year of caching ({% static %}
# names the hashed file, so a new release is a new URL). DEBUG on: files as they are, found
# where they live and re-read when they change, so `make run` needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MB = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * MB  # Form fields, files excluded: past it, a 400.
# The largest request body any server process accepts (common.asgi.CappedBody, manage.py
# serve); past it, a 413 before Django reads a byte. The largest legitimate one is Customize
# with every image at its limit (rooms.forms.IMAGE_LIMITS: background 5 MB, logo 1 MB, lobby
# image 5 MB, so 11 MB) and its text fields and multipart framing (well under 1 MB).
MAX_REQUEST_BODY = env_int("MAX_REQUEST_BODY", (5 + 1 + 5 + 1) * MB)
# Uploaded images decoded at once per process (rooms.images), each up to 96 MB of pixels; one
# more waits for a turn up to IMAGE_DECODE_WAIT seconds, then is told to try again.
IMAGE_DECODES_AT_ONCE = env_int("IMAGE_DECODES_AT_ONCE", 2)
IMAGE_DECODE_WAIT = env_int("IMAGE_DECODE_WAIT", 20)
# What one account may own: rooms, and bytes of uploaded images across them (as stored, after
# rooms.images re-encoded them). Creating, duplicating and Customize refuse past them.
ROOMS_PER_OWNER = env_int("ROOMS_PER_OWNER", 100)
STORAGE_PER_OWNER = env_int("STORAGE_PER_OWNER", 200 * MB)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def env_ice_urls(name: str, schemes: tuple[str, ...], example: str) -> list[str]:
    urls = env_list(name, [])
    for url in urls:
        scheme, _, address = url.partition(":")
        if scheme not in schemes or not address or address.startswith("/"):
            raise ImproperlyConfigured(
                f"{name} must be comma-separated URLs like {example}, not {url!r}."
            )
    return urls


# ICE servers for meetings (rooms.ice). None by default: browsers on one machine or LAN reach
# each other directly. TURN credentials are made per person from TURN_SECRET (coturn's
# use-auth-secret) and expire after TURN_CREDENTIAL_TTL seconds.
STUN_URLS = env_ice_urls("STUN_URLS", ("stun", "stuns"), "stun:turn.example.com:3478")
TURN_URLS = env_ice_urls("TURN_URLS", ("turn", "turns"), "turn:turn.example.com:3478?transport=udp")
TURN_SECRET = os.environ.get("TURN_SECRET", "")
if TURN_URLS and len(TURN_SECRET) < 32:
    raise ImproperlyConfigured(
        "TURN_SECRET must be set, at least 32 characters, when TURN_URLS is: the same value as "
        "static-auth-secret in turnserver.conf "
        '(python -c "import secrets; print(secrets.token_urlsafe(32))").'
    )
if TURN_SECRET and not TURN_URLS:
    raise ImproperlyConfigured("TURN_SECRET is set but TURN_URLS is not: name the TURN server.")
TURN_CREDENTIAL_TTL = env_int("TURN_CREDENTIAL_TTL", 12 * 60 * 60)

# E-mail: the console while DEBUG is on and no EMAIL_HOST is set; otherwise SMTP.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Session Rooms <rooms@localhost>")
_email_host = os.environ.get("EMAIL_HOST", "" if DEBUG else "localhost")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Security. Behind TLS (an https SITE_URL) the cookies are secure and HSTS is on.
HTTPS = _site.scheme == "https"
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_ENGINE = "common.sessions"  # Database sessions that say when a key changes.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF, *JANUS_SERVERS],  # Pages open Janus's WebSocket themselves.
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
# One handler, which redacts secrets, for every logger. Django's own loggers are rewired to it:
# their default handlers (the console one while DEBUG is on) would print unredacted lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "common.redact.RedactLinkSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.channels.server": {"level": "WARNING"},
    },
}
