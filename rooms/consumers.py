"""WebSocket streams. The page streams are push-only: each checks who may listen on connect (a
link's streams by the same RoomAccess rules as the pages), then sends a snapshot; every hint
after that re-renders the stored state. The meeting socket (docs/meeting.md) is the one that
receives: signalling between the browsers of a room's members, checked and bounded."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from urllib.parse import parse_qs
from uuid import UUID

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from common import limits
from common.sessions import SessionStore

from . import ice, janus, push
from .access import Link, RoomAccess
from .forms import JoinForm
from .models import JoinRequest, Presence, Room, RoomSocket

logger = logging.getLogger(__name__)
REFUSED = 4403  # Not 1006/1011-1013, so htmx's ws extension does not keep retrying.
GONE = 4404
PUSH_ONLY = 4400
TOO_MANY = 4409  # This browser or address has ROOM_SOCKETS_PER_* open in the room already.
RECHECK = 1012  # Reconnect: htmx's ws extension and signalling.js open a new socket, checked anew.


def account_groups(scope: dict) -> list[str]:
    """A socket opened as an account hears when that account's sessions may have ended."""
    user = scope["user"]
    return [push.account_group(user.pk)] if user.is_authenticated else []


class Soon:
    """Runs `action` for trigger(): at once when it has not run for STREAM_COALESCE_MS, else
    once at the end of that window for every trigger within it. A lone change shows at once; a
    burst of them (fifty people arriving together) costs one run a window, not one each. A
    trigger during a run makes one more after it, so the last change is always shown."""

    def __init__(self, action) -> None:
        self.action, self.task, self.lock = action, None, asyncio.Lock()
        self.last = float("-inf")  # When it last ran, by the event loop's clock.

    def trigger(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self.last + settings.STREAM_COALESCE_MS / 1000 - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self.task, self.last = None, loop.time()
        async with self.lock:  # In order: an older render never goes out after a newer one.
            try:
                await self.action()
            except Exception:  # A database or Redis hiccup: the next change renders again.
                logger.exception("A coalesced push failed")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()


class PushConsumer(AsyncWebsocketConsumer):
    """authorize() names the groups to join (or None to refuse); render() the HTML to push.

    A hint handled by refresh() renders at once; by refresh_soon(), coalesced (Soon). A stream
    whose HTML only it swaps in (`only_stream`) does not send the same HTML twice; one whose
    part of the page htmx answers also replace sends every render, to repair what they swap."""

    stream_groups: list[str] = []
    soon: Soon | None = None
    ended = False
    only_stream = False
    shown = ""  # What this socket last sent.

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
        if not await self.within_caps():
            await self.close(code=TOO_MANY)
            return
        self.stream_groups = groups = [*groups, *account_groups(self.scope)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.refresh()

    async def within_caps(self) -> bool:
        return True

    async def disconnect(self, code: int) -> None:
        self.ended = True
        if self.soon is not None:
            self.soon.cancel()
        for group in self.stream_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=PUSH_ONLY)  # Changes go through HTTP posts, never a socket.

    async def refresh(self, event: dict | None = None) -> None:
        if self.ended:
            return
        html = await database_sync_to_async(self.render)()
        if html is None:  # Rights or link gone since connect (new links, for one).
            await self.send_gone("links")
        elif not (self.only_stream and html == self.shown):
            self.shown = html
            await self.send(text_data=html)

    async def refresh_soon(self, event: dict | None = None) -> None:
        if self.soon is None:
            self.soon = Soon(self.refresh)
        self.soon.trigger()

    async def room_deleted(self, event: dict) -> None:
        await self.send_gone("deleted")

    async def account_changed(self, event: dict) -> None:
        """Logged out or a new password: reconnect, so the session is checked as on connect
        (still valid: the page carries on; ended: refused)."""
        self.ended = True
        await self.close(code=RECHECK)

    async def send_gone(self, reason: str) -> None:
        self.ended = True
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
        query = parse_qs(self.scope["query_string"].decode())
        self.owner, self.tiles = user, query.get("tiles") == ["1"]
        try:  # On a room page: that room's guests are in its host panel.
            self.except_room = UUID(query.get("except", [""])[0])
        except ValueError:
            self.except_room = None
        return [push.owner_group(user.pk)]

    def render(self) -> str:
        rooms = []
        if self.tiles:  # The dashboard's badges: only rooms with someone waiting are listed.
            rooms = Room.objects.for_dashboard(self.owner).filter(waiting_count__gt=0)
        waiting = JoinRequest.objects.owner_list(self.owner, except_room=self.except_room)
        context = {**self.stream, **waiting, "rooms": rooms, "tiles": self.tiles}
        return render_to_string("rooms/notifications.html#owner-snapshot", context)

    waiting_changed = room_deleted = PushConsumer.refresh


class Beats:
    """The heartbeat of this process's open room sockets: every PRESENCE_HEARTBEAT, one write
    for all their RoomSocket rows, one for the requests of the guests among them and one for
    the Presence rows of its meeting sockets, not one per socket (2,000 idle guests cost two
    queries a beat; 1,000 people in meetings, one write in 30 s, where a beat per socket was
    33 a second). The same beat clears the Presence rows of a process that died (not beaten
    for 3 beats) in the rooms this one has people in, and tells those rooms. A RoomSocket row
    cleared while its process was too busy to beat is not counted again until it reconnects:
    the caps err on the open side; a Presence row is stored again, as its socket is here."""

    def __init__(self) -> None:
        self.sockets: set[str] = set()
        self.requests: dict[str, int] = {}  # A waiting guest's socket: their request's pk.
        self.meetings: dict[str, MeetingConsumer] = {}  # A meeting socket: its Presence row.
        self.task: asyncio.Task | None = None

    def add(self, channel_name: str, request: int | None = None) -> None:
        self.sockets.add(channel_name)
        if request is not None:
            self.requests[channel_name] = request
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self.run())

    def add_meeting(self, consumer: MeetingConsumer) -> None:
        self.meetings[consumer.channel_name] = consumer
        self.add(consumer.channel_name)

    def discard(self, channel_name: str) -> None:
        self.sockets.discard(channel_name)
        self.requests.pop(channel_name, None)
        self.meetings.pop(channel_name, None)

    async def run(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT)
            try:
                changed = await database_sync_to_async(self.beat)(
                    list(self.sockets), list(self.requests.values()), dict(self.meetings)
                )
                layer = get_channel_layer()
                for code in changed:
                    await layer.group_send(
                        push.presence_group(code), {"type": push.PRESENCE_CHANGED}
                    )
            except Exception:  # A database or Redis hiccup: the next beat tries again.
                logger.exception("Room socket heartbeat failed")

    @staticmethod
    def beat(
        sockets: list[str], requests: list[int], meetings: dict[str, MeetingConsumer]
    ) -> set[str]:
        """One beat; the codes of the rooms whose people changed."""
        now, step = timezone.now(), 500
        for n in range(0, len(sockets), step):
            RoomSocket.objects.filter(channel_name__in=sockets[n : n + step]).update(seen_at=now)
        for n in range(0, len(requests), step):
            JoinRequest.objects.filter(pk__in=requests[n : n + step]).seen()
        changed: set[str] = set()
        names = list(meetings)
        for n in range(0, len(names), step):
            chunk = names[n : n + step]
            beaten = Presence.objects.filter(channel_name__in=chunk).update(seen_at=now)
            if beaten < len(chunk):  # Cleared while a beat was late: they are still here.
                stored = set(
                    Presence.objects.filter(channel_name__in=chunk).values_list(
                        "channel_name", flat=True
                    )
                )
                for name in set(chunk) - stored:
                    consumer = meetings[name]
                    if not consumer.closing:
                        consumer.store_presence(consumer.presence.peer_id)
                        changed.add(consumer.access.room.code)
        rooms = {c.access.room.pk: c.access.room.code for c in meetings.values()}
        if rooms:
            gone = Presence.objects.filter(room_id__in=rooms).gone()
            dead = set(gone.values_list("room_id", flat=True))
            if dead:
                gone.delete()
                changed |= {rooms[room] for room in dead}
        return changed


beats = Beats()


def socket_row(scope: dict, member: bool) -> dict:
    """RoomSocket.claim's facts about a socket: whose, from where, on the room page or not."""
    session = scope["session"].session_key or ""
    return {"session_key": session, "address": limits.scope_address(scope), "member": member}


class RoomStream(PushConsumer):
    """A stream of one room, by its link: counted against the room's socket caps while it is
    open (RoomSocket), its row refreshed by the process's Beats."""

    access: RoomAccess
    counted = False
    member = True  # A room page's stream: its row says when this browser was last in the room.

    def socket_row(self) -> dict:
        return socket_row(self.scope, self.member)

    async def within_caps(self) -> bool:
        room, row = self.access.room, self.socket_row()
        if not await database_sync_to_async(RoomSocket.claim)(room, self.channel_name, **row):
            return False
        self.counted = True
        beats.add(self.channel_name, self.beaten_request())
        return True

    def beaten_request(self) -> int | None:
        return None

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if self.counted:
            beats.discard(self.channel_name)
            await database_sync_to_async(self.closed)()

    def closed(self) -> None:
        RoomSocket.release(self.channel_name, self.member)


class HostConsumer(RoomStream):
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
        context = {**self.stream, "room": access.room, "user": self.scope["user"]}
        context.update(access.room.host_list())
        parts = ("rooms/room.html#host-panel", "rooms/room.html#host-notice")
        return "".join(render_to_string(part, context) for part in parts)

    waiting_changed = room_changed = PushConsumer.refresh


class GuestConsumer(RoomStream):
    """A guest in the lobby: only their own request, by the guest id in their session. While
    this page is open the request is seen (Beats); once it has been closed for
    WAITING_LEFT_AFTER the guest counts as left."""

    member = False

    def authorize(self) -> list[str] | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or access.join_request is None:
            return None
        self.access = access
        access.join_request.revisit()  # Expired: deleted, and the snapshot offers Ask to join.
        code = access.room.code
        return [push.guest_group(code, access.guest_id), push.room_group(code)]

    def beaten_request(self) -> int:
        return self.access.join_request.pk  # Seen while this page is open.

    def closed(self) -> None:
        super().closed()
        # The page closed now: "left" counts from here.
        JoinRequest.objects.filter(pk=self.access.join_request.pk).seen()

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


class PresenceConsumer(RoomStream):
    """Someone on the room page: "Who is here now", re-rendered whenever the meeting sockets
    (which store who is here) say it changed: at most once a STREAM_COALESCE_MS."""

    def authorize(self) -> list[str] | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or access.member is None:
            return None
        self.access = access
        return [push.presence_group(access.room.code), push.room_group(access.room.code)]

    def render(self) -> str | None:
        access = self.access.reloaded()  # Privacy shows in the hosts' buttons; new links end it.
        if access is None or (access.link is None and not access.is_owner):  # But the owner's.
            return None
        people = Presence.objects.filter(room=access.room).first_here()
        me = self.scope["session"].session_key
        context = {**self.stream, "room": access.room, "member": self.access.member}
        return render_to_string("rooms/room.html#presence-list", {**context, **people, "me": me})

    only_stream = True  # "Who is here now" changes by this stream alone.
    presence_changed = PushConsumer.refresh_soon
    room_changed = PushConsumer.refresh


# The meeting socket (docs/meeting.md): it receives, so what it takes is checked and bounded.

MAX_FRAME = 64 * 1024
BURST, RATE = 200, 50  # Messages at once, then per second, per socket.
BAD_MESSAGE, TOO_BIG, TOO_FAST, ENDED = 4400, 4413, 4429, 4410
CLOSE_CODES = {"links": GONE, "deleted": GONE, "sockets": TOO_MANY}  # Any other reason: ENDED.
PEER_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SDP_TYPES = {"offer", "answer", "pranswer", "rollback"}
CANDIDATE = {"candidate": str, "sdpMid": str, "sdpMLineIndex": int, "usernameFragment": str}


def kind_of(value: object, kind: type) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


def valid_payload(message: dict) -> bool:
    """A signal carries exactly one of a session description or an ICE candidate (or null)."""
    if set(message) == {"type", "to", "description"}:
        description = message["description"]
        return (
            isinstance(description, dict)
            and set(description) <= {"type", "sdp"}
            and description.get("type") in SDP_TYPES
            and kind_of(description.get("sdp", ""), str)
        )
    if set(message) == {"type", "to", "candidate"}:
        candidate = message["candidate"]
        return candidate is None or (
            isinstance(candidate, dict)
            and set(candidate) <= set(CANDIDATE)
            and kind_of(candidate.get("candidate"), str)
            and all(v is None or kind_of(v, CANDIDATE[k]) for k, v in candidate.items())
        )
    return False


def parse(text: str) -> dict | None:
    """The message if it is a JSON object of a known type with valid fields, else None."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    if message.get("type") == "signal":
        to = message.get("to")
        valid = isinstance(to, str) and PEER_ID.fullmatch(to) and valid_payload(message)
    elif message.get("type") == "janus":  # A fresh Janus credential, please.
        valid = set(message) == {"type"}
    elif message.get("type") == "state":
        screen = message.get("screen")
        valid = (
            set(message) == {"type", "audio", "video", "screen"}
            and isinstance(message["audio"], bool)
            and isinstance(message["video"], bool)
            and (screen is None or (kind_of(screen, str) and 0 < len(screen) <= 100))
        )
    else:
        valid = False
    return message if valid else None


class Bucket:
    """A burst of BURST messages, then RATE a second."""

    def __init__(self) -> None:
        self.tokens, self.last = float(BURST), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.last) * RATE)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    """An admitted member in the meeting: their Presence row while the socket is open, the
    roster, and offers, answers and ICE candidates relayed to another member of this room.

    Each socket is in a group of its own named with the room's code and its peer id, so a
    signal reaches only a member of this room, and relaying one touches no database."""

    presence: Presence | None = None
    closing = False
    moderated = False  # A host muted this member, on Janus too, until they unmute.
    state: tuple[bool, bool, str | None] = (False, False, None)  # Audio, video, screen: stored.
    rosters: Soon | None = None
    roster: list[dict] | None = None  # The last one sent: the same again is not sent.

    async def connect(self) -> None:
        welcome = await database_sync_to_async(self.arrive)()
        await self.accept()  # Then close with a code: a refused handshake would be retried.
        if welcome is None:
            self.closing = True
            await self.close(code=REFUSED)
            return
        if welcome == "sockets":
            return await self.end("sockets")
        code = self.access.room.code
        self.peer_group = push.peer_group(code, self.presence.peer_id)
        self.meeting_groups = [
            self.peer_group,
            push.presence_group(code),
            push.room_group(code),
            *account_groups(self.scope),
        ]
        for group in self.meeting_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.bucket = Bucket()
        await self.send_json(welcome)
        beats.add_meeting(self)  # Its RoomSocket and Presence rows, beaten with the others.
        await self.tell_the_room()  # Everyone's roster, this one's first among them.

    def arrive(self) -> dict | str | None:
        access = RoomAccess.from_scope(self.scope)
        if access is None or access.member is None:
            return None
        self.access = access
        if not RoomSocket.claim(access.room, self.channel_name, **self.socket_row()):
            return "sockets"
        self.presence = self.store_presence()
        roster = Presence.objects.filter(room=access.room).roster()
        media = any(peer["media"] for peer in roster if peer["id"] == self.presence.peer_id)
        return {
            "type": "welcome",
            "id": self.presence.peer_id,
            "name": access.member.name,
            "is_host": access.member.is_host,
            "media": media,
            "mesh_limit": settings.MEETING_MESH_LIMIT,
            "ice_servers": ice.ice_servers(self.presence.peer_id),
            **({"janus": self.janus_credential()} if janus.enabled() else {}),
        }

    def janus_credential(self) -> dict | None:
        """Through Janus: where this member publishes, and their token (docs/meeting.md), or
        None while no instance answers (the page asks again)."""
        try:
            credential = janus.credential_for(self.access.room, self.access.janus_holder)
        except janus.JanusUnavailable:
            return None
        return credential.as_json()

    def renew_janus(self) -> dict | None:
        """A fresh credential, for a member still admitted (else None: the socket closes)."""
        access = self.access.reloaded()
        here = Presence.objects.filter(channel_name=self.channel_name).exists()
        if access is None or access.member is None or not here:  # Removed, ended, deleted.
            return None
        self.access = access
        return {"type": "janus", "janus": self.janus_credential()}

    def socket_row(self) -> dict:
        return socket_row(self.scope, member=True)

    def store_presence(self, peer_id: str | None = None) -> Presence:
        user = self.access.user
        return Presence.objects.create(
            room=self.access.room,
            channel_name=self.channel_name,
            **({"peer_id": peer_id} if peer_id else {}),
            session_key=self.scope["session"].session_key or "",
            user=user if user.is_authenticated else None,
            display_name=self.access.member.name,
            is_host=self.access.member.is_host,
        )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        if not self.bucket.take():
            return await self.end(code=TOO_FAST)
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_FRAME:
            return await self.end(code=TOO_BIG)
        message = parse(text_data) if text_data is not None else None
        if message is None:
            return await self.end(code=BAD_MESSAGE)
        if message["type"] == "janus":
            if not janus.enabled():
                return await self.end(code=BAD_MESSAGE)
            reply = await database_sync_to_async(self.renew_janus)()
            if reply is None:
                return await self.end(code=REFUSED)
            await self.send_json(reply)
        elif message["type"] == "signal":
            to = push.peer_group(self.access.room.code, message.pop("to"))
            message["type"], message["from"] = push.MEETING_SIGNAL, self.presence.peer_id
            await self.channel_layer.group_send(to, message)
        elif (state := (message["audio"], message["video"], message["screen"])) != self.state:
            self.state = state  # Unchanged, it costs nobody a query.
            await database_sync_to_async(self.store_state)()
            await self.tell_the_room()

    def store_state(self) -> None:
        audio, video, screen = self.state
        Presence.objects.filter(channel_name=self.channel_name).update(
            audio=audio, video=video, screen=screen or ""
        )
        if audio and self.moderated:  # Their own click lifts a host's Mute on Janus too.
            self.moderated = False
            try:
                self.presence.moderate(False)
            except janus.JanusUnavailable:
                logger.warning("Janus does not answer: a microphone stays muted there")

    async def end(self, reason: str = "", code: int | None = None) -> None:
        """Say why (when there is a reason the page shows), then close."""
        self.closing = True
        if reason:
            await self.send_json({"type": "closed", "reason": reason})
        await self.close(code=code or CLOSE_CODES.get(reason, ENDED))

    async def meeting_signal(self, event: dict) -> None:
        await self.send_json({**event, "type": "signal"})

    async def meeting_muted(self, event: dict) -> None:
        self.state = (False, *self.state[1:])  # As the host's mute stored it.
        self.moderated = True
        await self.send_json({"type": "muted", "by": event["by"]})

    async def meeting_close(self, event: dict) -> None:
        await self.end(event["reason"])

    async def presence_changed(self, event: dict) -> None:
        if self.rosters is None:
            self.rosters = Soon(self.send_roster)
        self.rosters.trigger()

    async def send_roster(self) -> None:
        if self.closing:
            return
        roster = await database_sync_to_async(
            Presence.objects.filter(room_id=self.access.room.pk).roster
        )()
        if roster != self.roster:
            self.roster = roster
            await self.send_json({"type": "roster", "peers": roster})

    async def room_changed(self, event: dict) -> None:
        access = await database_sync_to_async(self.access.reloaded)()
        if access is None:
            await self.end("deleted")
        elif access.link is None and access.is_owner:  # The owner stays: on the new link.
            room, old = access.room, self.access.link
            secret = room.host_secret if old == Link.HOST else room.participant_secret
            self.closing = True
            await self.send_json({"type": "moved", "url": room.room_path(secret)})
            await self.close(code=ENDED)
        elif access.link is None or access.member is None:  # New links end the visit.
            await self.end("links")

    async def room_deleted(self, event: dict) -> None:
        await self.end("deleted")

    async def account_changed(self, event: dict) -> None:
        """Signed in when it opened: the meeting goes on only while the session (by the key its
        Presence row follows, common.sessions) is still signed in to that account."""
        key = await database_sync_to_async(self.session_key_now)()
        user = await get_user({"session": SessionStore(key)}) if key else None
        if user is None or user.pk != self.access.user.pk:
            await self.end("logout")

    def session_key_now(self) -> str | None:
        presence = Presence.objects.filter(channel_name=self.channel_name)
        return presence.values_list("session_key", flat=True).first()

    def leave(self) -> None:
        Presence.objects.filter(channel_name=self.channel_name).delete()
        RoomSocket.release(self.channel_name, member=True)

    async def tell_the_room(self) -> None:
        await self.channel_layer.group_send(
            push.presence_group(self.access.room.code), {"type": push.PRESENCE_CHANGED}
        )

    async def disconnect(self, code: int) -> None:
        if self.presence is None:
            return
        self.closing = True
        beats.discard(self.channel_name)
        if self.rosters is not None:
            self.rosters.cancel()
        # Closing the tab closes the socket: the row goes, and everyone's list follows.
        await database_sync_to_async(self.leave)()
        for group in self.meeting_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.tell_the_room()
