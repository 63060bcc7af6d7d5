"""WebSocket streams: push-only. Each checks who may listen on connect, from the session and the
database, then sends a snapshot; every hint after that re-renders the stored state."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from . import push, roles
from .forms import JoinForm
from .models import JoinRequest, Presence, Room

logger = logging.getLogger(__name__)
REFUSED = 4403  # Not 1006/1011-1013, so htmx's ws extension does not keep retrying.
GONE = 4404
PUSH_ONLY = 4400


class PushConsumer(AsyncWebsocketConsumer):
    """authorize() names the groups to join (or None to refuse); render() the HTML to push."""

    stream_groups: list[str] = []

    @property
    def stream(self) -> dict:
        """Context of pushed fragments: swapped out of band; forms carry this browser's token."""
        cookie = self.scope["cookies"].get(settings.CSRF_COOKIE_NAME)
        request = HttpRequest()
        request.META["CSRF_COOKIE"] = cookie
        return {"stream": True, "csrf_token": get_token(request) if cookie else ""}

    async def connect(self) -> None:
        groups = await database_sync_to_async(self.authorize)()
        await self.accept()  # Then close with a code: a refused handshake would be retried.
        if not groups:
            await self.close(code=REFUSED)
            return
        self.stream_groups = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.refresh()

    async def disconnect(self, code: int) -> None:
        for group in self.stream_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=PUSH_ONLY)  # Changes go through HTTP posts, never a socket.

    async def refresh(self, event: dict | None = None) -> None:
        html = await database_sync_to_async(self.render)()
        if html is None:  # Rights or link gone since connect (new links, for one).
            await self.send_gone("links")
        else:
            await self.send(text_data=html)

    async def room_deleted(self, event: dict) -> None:
        await self.send_gone("deleted")

    async def send_gone(self, reason: str) -> None:
        await self.send(
            text_data=render_to_string("rooms/lobby.html#room-gone", {"reason": reason})
        )
        await self.close(code=GONE)

    def session_room(self) -> Room | None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = roles.room_for_link(kwargs["slug"], kwargs["secret"])
        return found[0] if found else None


class OwnerConsumer(PushConsumer):
    """The signed-in owner, on any page: every guest waiting in any of their rooms."""

    def authorize(self) -> list[str] | None:
        user = self.scope["user"]
        if not user.is_authenticated:
            return None
        self.owner, self.tiles = user, b"tiles=1" in self.scope["query_string"]
        return [push.owner_group(user.pk)]

    def render(self) -> str:
        rooms = Room.objects.for_dashboard(self.owner) if self.tiles else []
        context = {**self.stream, **JoinRequest.objects.owner_list(self.owner), "rooms": rooms}
        return render_to_string("rooms/notifications.html#owner-snapshot", context)

    requests_changed = PushConsumer.refresh
    room_deleted = PushConsumer.refresh


class HostConsumer(PushConsumer):
    """A host in the room: the waiting list, the Privacy switch and the links."""

    def authorize(self) -> list[str] | None:
        room = self.session_room()
        if room is None or not roles.is_host(self.scope["session"], self.scope["user"], room):
            return None
        self.room = room
        return [push.hosts_group(room.code), push.room_group(room.code)]

    def render(self) -> str | None:
        room = Room.objects.filter(pk=self.room.pk).first()
        if room is None or not roles.is_host(self.scope["session"], self.scope["user"], room):
            return None
        context = {**self.stream, "room": room, **room.host_list()}
        return render_to_string("rooms/room.html#host-panel", context)

    requests_changed = room_changed = PushConsumer.refresh


class GuestConsumer(PushConsumer):
    """A guest in the lobby: only their own request, by the guest id in their session."""

    def authorize(self) -> list[str] | None:
        room = self.session_room()
        join_request = room and roles.own_request(self.scope["session"], room)
        if not join_request:
            return None
        self.guest_id = join_request.guest_id
        return [push.guest_group(room.code, self.guest_id), push.room_group(room.code)]

    def render(self) -> str | None:
        room = self.session_room()
        if room is None:
            return None
        join_request = room.join_requests.filter(guest_id=self.guest_id).first()
        name = join_request.display_name if join_request else ""
        form = JoinForm(initial={"display_name": name})
        secret = self.scope["url_route"]["kwargs"]["secret"]
        context = {**self.stream, "room": room, "join_request": join_request, "form": form}
        return render_to_string("rooms/lobby.html#join-state", {**context, "secret": secret})

    request_changed = room_changed = PushConsumer.refresh


class PresenceConsumer(PushConsumer):
    """Someone on the room page: one Presence row per socket, so every process sees everyone."""

    def authorize(self) -> list[str] | None:
        room = self.session_room()
        member = room and roles.member(self.scope["session"], self.scope["user"], room)
        if not member:
            return None
        self.room, self.member = room, member
        self.store_presence()
        return [push.presence_group(room.code), push.room_group(room.code)]

    def store_presence(self) -> None:
        Presence.objects.create(
            room=self.room,
            channel_name=self.channel_name,
            display_name=self.member.name,
            is_host=self.member.is_host,
        )

    async def connect(self) -> None:
        await super().connect()
        if self.stream_groups:
            self.heartbeat = asyncio.create_task(self.keep_alive())
            await self.channel_layer.group_send(self.stream_groups[0], {"type": "presence.changed"})

    async def keep_alive(self) -> None:
        """Say this socket is still here; clear rows a dead process left, and tell the room."""
        while True:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT)
            try:
                cleared = await database_sync_to_async(self.beat)()
                if cleared:
                    group = self.stream_groups[0]
                    await self.channel_layer.group_send(group, {"type": "presence.changed"})
            except Exception:  # A database or Redis hiccup: the next beat tries again.
                logger.exception("Presence heartbeat failed")

    def beat(self) -> int:
        mine = Presence.objects.filter(channel_name=self.channel_name)
        if not mine.update(seen_at=timezone.now()):
            self.store_presence()  # Cleared while a beat was late: this socket is still here.
        cleared, _ = Presence.objects.filter(room_id=self.room.pk).gone().delete()
        return cleared

    async def disconnect(self, code: int) -> None:
        if heartbeat := getattr(self, "heartbeat", None):
            heartbeat.cancel()
        # Closing the tab closes the socket: the row goes, and everyone's list follows.
        await database_sync_to_async(
            Presence.objects.filter(channel_name=self.channel_name).delete
        )()
        if self.stream_groups:
            await self.channel_layer.group_send(self.stream_groups[0], {"type": "presence.changed"})
        await super().disconnect(code)

    def render(self) -> str:
        people = Presence.objects.filter(room_id=self.room.pk).here()
        context = {**self.stream, "people": people, "me": self.channel_name}
        return render_to_string("rooms/room.html#presence-list", context)

    presence_changed = PushConsumer.refresh

    async def room_changed(self, event: dict) -> None:
        pass  # New links change nothing for people already inside; hosts hear it on their stream.
