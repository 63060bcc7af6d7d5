"""WebSocket streams: push-only. Each checks who may listen on connect (a link's streams by the
same RoomAccess rules as the pages), then sends a snapshot; every hint after that re-renders
the stored state."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from . import push
from .access import RoomAccess
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

    waiting_changed = PushConsumer.refresh
    room_deleted = PushConsumer.refresh


class HostConsumer(PushConsumer):
    """A host in the room: the waiting list, the Privacy switch and the links."""

    def authorize(self) -> list[str] | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or not access.is_host:
            return None
        self.access = access
        return [push.hosts_group(access.room.code), push.room_group(access.room.code)]

    def render(self) -> str | None:
        access = self.access.reloaded()  # New links end an old host link's rights, not the owner's.
        if access is None or not access.is_host:
            return None
        context = {**self.stream, "room": access.room, **access.room.host_list()}
        return render_to_string("rooms/room.html#host-panel", context)

    waiting_changed = room_changed = PushConsumer.refresh


class GuestConsumer(PushConsumer):
    """A guest in the lobby: only their own request, by the guest id in their session."""

    def authorize(self) -> list[str] | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or access.join_request is None:
            return None
        self.access = access
        code = access.room.code
        return [push.guest_group(code, access.guest_id), push.room_group(code)]

    def render(self) -> str | None:
        access = self.access.reloaded()
        if access is None or access.link is None:  # Deleted, or new links replaced this one.
            return None
        join_request = access.join_request
        name = join_request.display_name if join_request else ""
        form = JoinForm(initial={"display_name": name})
        context = {**self.stream, "room": access.room, "join_request": join_request, "form": form}
        return render_to_string("rooms/lobby.html#join-state", {**context, "secret": access.secret})

    own_request_changed = room_changed = PushConsumer.refresh


class PresenceConsumer(PushConsumer):
    """Someone on the room page: one Presence row per socket, so every process sees everyone."""

    def authorize(self) -> list[str] | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or access.member is None:
            return None
        self.access = access
        self.presence_group = push.presence_group(access.room.code)
        self.store_presence()
        return [self.presence_group, push.room_group(access.room.code)]

    def store_presence(self) -> None:
        Presence.objects.create(
            room=self.access.room,
            channel_name=self.channel_name,
            display_name=self.access.member.name,
            is_host=self.access.member.is_host,
        )

    async def tell_the_room(self) -> None:
        await self.channel_layer.group_send(self.presence_group, {"type": push.PRESENCE_CHANGED})

    async def connect(self) -> None:
        await super().connect()
        if self.stream_groups:
            self.heartbeat = asyncio.create_task(self.keep_alive())
            await self.tell_the_room()

    async def keep_alive(self) -> None:
        """Say this socket is still here; clear rows a dead process left, and tell the room."""
        while True:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT)
            try:
                cleared = await database_sync_to_async(self.beat)()
                if cleared:
                    await self.tell_the_room()
            except Exception:  # A database or Redis hiccup: the next beat tries again.
                logger.exception("Presence heartbeat failed")

    def beat(self) -> int:
        mine = Presence.objects.filter(channel_name=self.channel_name)
        if not mine.update(seen_at=timezone.now()):
            self.store_presence()  # Cleared while a beat was late: this socket is still here.
        cleared, _ = Presence.objects.filter(room_id=self.access.room.pk).gone().delete()
        return cleared

    async def disconnect(self, code: int) -> None:
        if heartbeat := getattr(self, "heartbeat", None):
            heartbeat.cancel()
        # Closing the tab closes the socket: the row goes, and everyone's list follows.
        await database_sync_to_async(
            Presence.objects.filter(channel_name=self.channel_name).delete
        )()
        if self.stream_groups:
            await self.tell_the_room()
        await super().disconnect(code)

    def render(self) -> str:
        people = Presence.objects.filter(room_id=self.access.room.pk).here()
        context = {**self.stream, "people": people, "me": self.channel_name}
        return render_to_string("rooms/room.html#presence-list", context)

    presence_changed = PushConsumer.refresh

    async def room_changed(self, event: dict) -> None:
        pass  # New links change nothing for people already inside; hosts hear it on their stream.
