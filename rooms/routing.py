"""WebSocket routes of the rooms app: push-only streams, one per kind of listener; the meeting."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/owner/", consumers.OwnerConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/host/", consumers.HostConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/guest/", consumers.GuestConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/room/", consumers.PresenceConsumer.as_asgi()),
    path("ws/r/<slug:slug>/<str:secret>/meeting/", consumers.MeetingConsumer.as_asgi()),
]
