"""Settings for `make bench`: the app's own, with the bench's URLs, sockets and template."""

from session_rooms.settings import *  # noqa: F403
from session_rooms.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
ASGI_APPLICATION = "bench.asgi.application"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
