"""WebSocket routes of the rooms app."""

websocket_urlpatterns: list = []
