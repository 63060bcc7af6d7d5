"""The app's ASGI entry plus the echo socket, the baseline the WebSocket figures compare with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path, re_path

from bench.echo import EchoConsumer
from session_rooms.asgi import application as app

application = ProtocolTypeRouter(
    {
        "http": app.application_mapping["http"],
        "websocket": URLRouter(
            [
                path("ws/bench/echo/", EchoConsumer.as_asgi()),
                re_path(r"^", app.application_mapping["websocket"]),  # every other socket
            ]
        ),
    }
)
