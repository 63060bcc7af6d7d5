"""WebSocket routes of the rooms app: push-only streams, one per kind of listener."""

from django.conf import settings
from django.urls import path

from . import consumers

websocket_urlpatterns: list = [
    path("ws/owner/", consumers.OwnerConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/host/", consumers.HostConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/guest/", consumers.GuestConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/room/", consumers.PresenceConsumer.as_asgi()),
]

if settings.BENCHMARK:  # `make bench` only: the group_send round trip the figures compare with
    from bench.echo import EchoConsumer

    websocket_urlpatterns.append(path("ws/bench/echo/", EchoConsumer.as_asgi()))
