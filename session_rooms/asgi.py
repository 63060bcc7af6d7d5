"""ASGI entry point: HTTP to Django, WebSockets through origin and session checks."""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "session_rooms.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from rooms.routing import websocket_urlpatterns  # noqa: E402


class BoundedHTTP:
    """At most `limit` HTTP requests inside Django at once; the others wait in the event loop.

    Django gives each request its own thread and database connection: a burst of 500 asks to
    join opened hundreds of PostgreSQL connections and got "too many clients" (500 errors)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.gate = app, asyncio.Semaphore(limit)

    async def __call__(self, scope, receive, send) -> None:
        async with self.gate:
            await self.app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": BoundedHTTP(ASGIStaticFilesHandler(django_asgi_app), settings.HTTP_CONCURRENCY),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
