"""ASGI entry point: HTTP to Django, WebSockets through origin and session checks."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "session_rooms.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator, WebsocketDenier  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402

from common.asgi import BoundedHTTP, CappedBody  # noqa: E402
from rooms.routing import websocket_urlpatterns  # noqa: E402

# A socket to any other path is refused: the router would raise, and log a traceback holding
# the path (a room link's secret, sent without /ws/).
routes = [*websocket_urlpatterns, re_path(r"", WebsocketDenier.as_asgi())]
application = ProtocolTypeRouter(
    {
        # Too large a body is refused first, without waiting for a place inside Django. Static
        # files are WhiteNoise's, inside Django (settings.MIDDLEWARE).
        "http": CappedBody(
            BoundedHTTP(django_asgi_app, settings.HTTP_CONCURRENCY),
            settings.MAX_REQUEST_BODY,
        ),
        # Scheme, host and port must be the site's (settings.SITE_ORIGINS), not just the host name.
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(routes)), settings.SITE_ORIGINS),
    }
)
