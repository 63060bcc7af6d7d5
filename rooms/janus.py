"""Janus, the media server for larger meetings, run beside the app and kept in its charge.

The app alone talks to each instance's admin API (HTTP on a private address, with
JANUS_ADMIN_SECRET); a browser only ever gets a WebSocket URL, a VideoRoom id and its own token.

Credentials. Janus runs with core token auth in stored-token mode, and every VideoRoom the app
creates has its own random secret, an `allowed` token list and `require_pvtid`. A member's
credential is one random token that the app adds to Janus's core tokens (good for the VideoRoom
plugin only) and to the allowed list of their room's VideoRoom, nowhere else:
- without a live token Janus refuses every request, even opening a session (403);
- a token joins, as a publisher, only the room whose list holds it (433 elsewhere), and a
  subscription needs the private id of a publisher already in that room;
- only the app, with the room's secret and the plugin's admin key, creates, destroys, kicks,
  mutes or changes the list.
Revoking removes the token from both and ends the sessions that used it (found through the admin
API by the token their handles carry): from then on Janus refuses the token, so a replay fails.
Tokens are short-lived: one lasts JANUS_CREDENTIAL_TTL seconds unless its holder renews it, and
dead ones are removed by sync(), which every credential request runs and `manage.py janus_sync`
runs on a timer. Why not Janus's signed tokens: they cannot be revoked before they expire, and
the core checks them on every request, keep-alives included, so a short expiry would cut a
meeting in progress. Why not the room `pin`: one shared password, in every participant's page.

Placement. Each room lives on one instance, stored in JanusRoom (the database is the truth;
Janus holds nothing that cannot be rebuilt from it). A new room goes to the reachable instance
with the fewest people. A restarted instance has forgotten its rooms and tokens: the next
credential request for a room recreates its VideoRoom with every live token. An instance that
does not answer gets its rooms moved, one by one as their members ask again, to another one;
the old placement is retired and cleaned from that instance once it answers again.

Synchronous on purpose: every caller is a domain operation that reads or writes the database in
the same breath (views, model signals), and Django's ORM is synchronous. A consumer calls one of
these functions through one database_sync_to_async hop for the whole operation, not one per
request to Janus. Calls that follow a database change (revoking, ending a meeting) wait for the
commit, like the push hints.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from hashlib import sha256
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import JanusCredential, JanusRoom, Room, new_secret

logger = logging.getLogger(__name__)

VIDEOROOM = "janus.plugin.videoroom"
TIMEOUT = 3.0  # Seconds to wait for one admin API answer; Janus on a LAN answers in about 1 ms.
DOWN_FOR = 30  # Seconds an instance that did not answer is passed over for new rooms.
# Every VideoRoom the app creates. Hidden from `list`; subscriptions only on behalf of a
# publisher admitted to the room; room for everyone's camera and a few shared screens.
ROOM_SETTINGS = {
    "is_private": True,
    "require_pvtid": True,
    "publishers": 100,
    "notify_joining": True,
    "audiocodec": "opus",
    "videocodec": "vp8",
}

# Janus's error codes that the app expects and handles.
NOT_FOUND = (458, 459)  # Core: no such session, no such handle (gone meanwhile).
REMOVE_TOKEN_FAILED = 490  # Core: removing a token Janus does not hold (after a restart).
NO_SUCH_ROOM = 426  # VideoRoom.
ROOM_EXISTS = 427  # VideoRoom.


class JanusError(Exception):
    """Janus refused a request; `code` is Janus's own error code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code


class JanusUnavailable(Exception):
    """An instance did not answer: down, restarting or out of reach."""


@dataclass(frozen=True)
class Credential:
    """What a member's browser needs: where to connect, which VideoRoom, and its own token."""

    server: str
    room: int
    token: str
    expires_at: datetime

    def as_json(self) -> dict:
        return {
            "server": self.server,
            "room": self.room,
            "token": self.token,
            "expires_in": max(0, int((self.expires_at - timezone.now()).total_seconds())),
        }


@dataclass(frozen=True)
class Handle:
    """One plugin handle on an instance, as the admin API describes it."""

    session: int
    handle: int
    token: str
    plugin: dict


def enabled() -> bool:
    """Whether meetings go through Janus (JANUS_URL set); otherwise browsers form a mesh."""
    return bool(settings.JANUS_SERVERS)


class Admin:
    """One instance's admin API over one kept-alive HTTP connection; one per operation."""

    def __init__(self, server: str) -> None:
        self.server = server
        url = urlsplit(settings.JANUS_SERVERS[server])
        connection = HTTPSConnection if url.scheme == "https" else HTTPConnection
        self.connection = connection(url.hostname, url.port, timeout=TIMEOUT)
        self.path = url.path.rstrip("/") or "/admin"

    def __enter__(self) -> Admin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()

    def call(self, kind: str, *ids: int, **fields: object) -> dict:
        """One admin API request (at the session or handle given by `ids`); its reply."""
        body = json.dumps(
            {
                "janus": kind,
                "transaction": secrets.token_hex(8),
                "admin_secret": settings.JANUS_ADMIN_SECRET,
                **fields,
            }
        )
        path = "/".join([self.path, *map(str, ids)])
        for attempt in (1, 2):
            try:
                self.connection.request("POST", path, body, {"Content-Type": "application/json"})
                reply = json.loads(self.connection.getresponse().read())
                break
            except (OSError, HTTPException, ValueError) as error:
                self.connection.close()
                # Once more on a fresh connection: the kept-alive one may have gone stale.
                if attempt == 2 or isinstance(error, TimeoutError):
                    raise JanusUnavailable(f"Janus at {self.server}: {error}") from error
        if reply.get("janus") == "error":
            raise JanusError(reply["error"]["code"], reply["error"]["reason"])
        return reply

    def videoroom(self, request: str, **fields: object) -> dict:
        """A synchronous VideoRoom request through the admin API (no session needed)."""
        body = {"request": request, **fields}
        reply = self.call("message_plugin", plugin=VIDEOROOM, request=body)["response"]
        if "error_code" in reply:
            raise JanusError(reply["error_code"], reply.get("error", ""))
        return reply

    def create_room(self, placement: JanusRoom, tokens: list[str]) -> bool:
        """Create the VideoRoom with these tokens allowed; False if it was there already."""
        try:
            self.videoroom(
                "create",
                room=placement.janus_id,
                secret=placement.secret,
                admin_key=settings.JANUS_ADMIN_SECRET,
                allowed=tokens,
                **ROOM_SETTINGS,
            )
        except JanusError as error:
            if error.code == ROOM_EXISTS:
                return False
            raise
        return True

    def destroy_room(self, placement: JanusRoom) -> None:
        """Destroy the VideoRoom (its publishers' connections close); gone already is fine."""
        try:
            self.videoroom("destroy", room=placement.janus_id, secret=placement.secret)
        except JanusError as error:
            if error.code != NO_SUCH_ROOM:
                raise

    def allowed(self, placement: JanusRoom, action: str, tokens: list[str]) -> None:
        """Add tokens to or remove them from the VideoRoom's allowed list."""
        try:
            self.videoroom(
                "allowed",
                room=placement.janus_id,
                secret=placement.secret,
                action=action,
                allowed=tokens,
            )
        except JanusError as error:
            if error.code != NO_SUCH_ROOM or action == "add":
                raise

    def add_tokens(self, tokens: Iterable[str]) -> None:
        for token in tokens:
            self.call("add_token", token=token, plugins=[VIDEOROOM])

    def remove_tokens(self, tokens: Iterable[str]) -> None:
        for token in tokens:
            try:
                self.call("remove_token", token=token)
            except JanusError as error:
                if error.code != REMOVE_TOKEN_FAILED:
                    raise

    def handles(self) -> Iterator[Handle]:
        """Every plugin handle on the instance, with the token it was opened with."""
        for session in self.call("list_sessions")["sessions"]:
            try:
                handles = self.call("list_handles", session)["handles"]
            except JanusError as error:
                if error.code not in NOT_FOUND:
                    raise
                continue
            for handle in handles:
                try:
                    info = self.call("handle_info", session, handle)["info"]
                except JanusError as error:
                    if error.code not in NOT_FOUND:
                        raise
                    continue
                plugin = info.get("plugin_specific") or {}
                yield Handle(session, handle, info.get("token", ""), plugin)

    def publishers(self, placement: JanusRoom, tokens: set[str]) -> Iterator[Handle]:
        """The publisher handles in this VideoRoom opened with one of these tokens."""
        for handle in self.handles():
            here = handle.plugin.get("type") == "publisher" and "id" in handle.plugin
            if here and handle.token in tokens and handle.plugin["room"] == placement.janus_id:
                yield handle

    def end_sessions(self, tokens: set[str]) -> int:
        """Destroy every session that opened a handle with one of these tokens: the person's
        PeerConnections close and everyone else sees their streams end. Returns how many."""
        if not tokens:
            return 0
        sessions = {handle.session for handle in self.handles() if handle.token in tokens}
        for session in sessions:
            try:
                self.call("destroy_session", session)
            except JanusError as error:
                if error.code not in NOT_FOUND:
                    raise
        return len(sessions)

    def take_back(self, placement: JanusRoom | None, tokens: list[str]) -> None:
        """Make Janus refuse these tokens from now on, and end what they opened."""
        self.remove_tokens(tokens)  # First: no new request with them gets through.
        if placement is not None:
            self.allowed(placement, "remove", tokens)
        self.end_sessions(set(tokens))


def credential_for(room: Room, holder: str) -> Credential:
    """The credential an admitted member presents to Janus for this room, renewed if they have
    one. The caller has just checked that `holder` (their guest id) is admitted to `room`.

    The VideoRoom is created on first use and recreated when its instance restarted; a room
    whose instance does not answer moves to another. Raises JanusUnavailable when none answers.
    """
    if not enabled():
        raise JanusUnavailable("JANUS_URL is not set: meetings are a mesh.")
    for _ in range(len(settings.JANUS_SERVERS) + 1):
        placement = _placement(room)
        credential = _renew_or_issue(placement, holder)
        try:
            placed = _ensure(placement, credential)
        except JanusUnavailable:
            logger.warning("Janus at %s does not answer; moving its rooms", placement.server)
            cache.set(_down_key(placement.server), True, DOWN_FOR)
            _retire(JanusRoom.objects.filter(pk=placement.pk, retired_at=None))
            continue
        if placed:
            try:
                sync(placement.server)  # Dead credentials go while we are here.
            except JanusError:
                logger.exception("Cleaning up Janus at %s failed", placement.server)
            return Credential(
                placement.server, placement.janus_id, credential.token, credential.expires_at
            )
    raise JanusUnavailable("No Janus instance answers.")


def revoke(room: Room, holder: str) -> None:
    """End a person's Janus access to this room: Janus refuses their token from the commit on,
    and their sessions end. For "Remove from room", "Send to waiting room" and Leave."""
    if not enabled():
        return
    now = timezone.now()
    live = JanusCredential.objects.filter(janus_room__room=room, holder=holder, expires_at__gt=now)
    servers = set(live.values_list("janus_room__server", flat=True))
    live.update(expires_at=now)
    for server in servers:
        transaction.on_commit(partial(sync, server), robust=True)


def end_meeting(room: Room) -> None:
    """End the meeting for all: destroy the room's VideoRoom and every credential for it.
    Members still admitted get a fresh VideoRoom when they next ask for a credential."""
    if enabled():
        _retire(JanusRoom.objects.filter(room=room, retired_at=None))


def mute(room: Room, holder: str, *, muted: bool = True) -> int:
    """A host's "Mute": Janus drops every microphone the person publishes in the room (VideoRoom
    `moderate`) until it is lifted with muted=False, which their own "Microphone" click asks
    for. Returns how many audio streams it changed; JanusUnavailable if Janus does not answer."""
    placement = JanusRoom.objects.filter(room=room, retired_at=None).first()
    if placement is None:
        return 0
    tokens = set(_live(placement).filter(holder=holder).values_list("token", flat=True))
    changed = 0
    with Admin(placement.server) as admin:
        for publisher in admin.publishers(placement, tokens):
            for stream in publisher.plugin.get("streams", []):
                if stream.get("type") == "audio":
                    admin.videoroom(
                        "moderate",
                        room=placement.janus_id,
                        secret=placement.secret,
                        id=publisher.plugin["id"],
                        mid=stream["mid"],
                        mute=muted,
                    )
                    changed += 1
    return changed


def feeds(room: Room) -> dict[str, list[int]]:
    """Who publishes which VideoRoom feeds, by holder: found by the tokens their handles carry,
    so a page can label a feed with the name the app knows, not the one the browser sent."""
    placement = JanusRoom.objects.filter(room=room, retired_at=None).first()
    if placement is None:
        return {}
    holders = dict(_live(placement).values_list("token", "holder"))
    found: dict[str, list[int]] = {}
    with Admin(placement.server) as admin:
        for publisher in admin.publishers(placement, set(holders)):
            found.setdefault(holders[publisher.token], []).append(publisher.plugin["id"])
    return found


def sync(server: str) -> bool:
    """Make one instance forget what the database no longer grants: retired rooms, and expired
    or revoked credentials. Rows go once Janus has done it; False if the instance is out of reach
    (they stay, for next time)."""
    now = timezone.now()
    retired = list(JanusRoom.objects.filter(server=server, retired_at__isnull=False))
    dead = list(
        JanusCredential.objects.filter(janus_room__server=server)
        .filter(models.Q(expires_at__lte=now) | models.Q(janus_room__retired_at__isnull=False))
        .select_related("janus_room")
    )
    if not retired and not dead:
        return True
    if server not in settings.JANUS_SERVERS:
        logger.warning("Janus at %s is no longer configured; its rows stay", server)
        return False
    try:
        with Admin(server) as admin:
            admin.remove_tokens(credential.token for credential in dead)
            by_room: dict[JanusRoom, list[str]] = {}
            for credential in dead:
                if credential.janus_room.retired_at is None:
                    by_room.setdefault(credential.janus_room, []).append(credential.token)
            for placement, tokens in by_room.items():
                admin.allowed(placement, "remove", tokens)
            for placement in retired:
                admin.destroy_room(placement)
            admin.end_sessions({credential.token for credential in dead})
    except JanusUnavailable as error:
        logger.warning("Cannot clean up Janus at %s yet: %s", server, error)
        return False
    JanusCredential.objects.filter(pk__in=[credential.pk for credential in dead]).delete()
    JanusRoom.objects.filter(pk__in=[placement.pk for placement in retired]).delete()
    return True


def sync_all() -> dict[str, bool]:
    """sync() every instance that has something to clean up; for a timer (`janus_sync`)."""
    servers = set(settings.JANUS_SERVERS) | set(
        JanusRoom.objects.values_list("server", flat=True).distinct()
    )
    return {server: sync(server) for server in sorted(servers)}


def _live(placement: JanusRoom) -> models.QuerySet[JanusCredential]:
    return placement.credentials.filter(expires_at__gt=timezone.now())


def _down_key(server: str) -> str:
    return "janus-down-" + sha256(server.encode()).hexdigest()[:32]


def _placement(room: Room) -> JanusRoom:
    """The room's live placement, or a new one on the instance with the fewest people."""
    live = JanusRoom.objects.filter(room=room, retired_at=None).first()
    if live and live.links == room.participant_digest and live.server in settings.JANUS_SERVERS:
        return live
    if live:  # New links, or its instance was taken out of JANUS_URL.
        _retire(JanusRoom.objects.filter(pk=live.pk, retired_at=None))
    server = _choose_server()
    try:
        with transaction.atomic():
            return JanusRoom.objects.create(
                room=room,
                server=server,
                janus_id=secrets.randbelow(2**53 - 1) + 1,  # Safe as a JavaScript number.
                secret=new_secret(),
                links=room.participant_digest,
            )
    except IntegrityError:  # Another request placed it first: use theirs.
        return JanusRoom.objects.get(room=room, retired_at=None)


def _choose_server() -> str:
    servers = list(settings.JANUS_SERVERS)
    candidates = [s for s in servers if not cache.get(_down_key(s))]
    if not candidates:
        raise JanusUnavailable(f"No Janus instance answered in the last {DOWN_FOR} seconds.")
    now = timezone.now()
    load = {
        row["server"]: (row["people"], row["rooms"])
        for row in JanusRoom.objects.filter(retired_at=None, server__in=candidates)
        .values("server")
        .annotate(
            people=models.Count("credentials", filter=models.Q(credentials__expires_at__gt=now)),
            rooms=models.Count("id", distinct=True),
        )
    }
    return min(candidates, key=lambda s: (*load.get(s, (0, 0)), servers.index(s)))


def _renew_or_issue(placement: JanusRoom, holder: str) -> JanusCredential:
    """Extend the holder's live credential (the same token: their Janus session carries on), or
    issue a new one. A revoked credential is never brought back: it is not live any more."""
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.JANUS_CREDENTIAL_TTL)
    credential = _live(placement).filter(holder=holder).order_by("-issued_at").first()
    if credential is not None:
        # Only while still live: one revoked since the line above stays dead (Janus refuses it).
        live = JanusCredential.objects.filter(pk=credential.pk, expires_at__gt=now)
        if live.update(expires_at=expires_at):
            credential.expires_at = expires_at
        return credential
    return JanusCredential.objects.create(
        janus_room=placement, holder=holder, token=new_secret(), expires_at=expires_at
    )


def _ensure(placement: JanusRoom, credential: JanusCredential) -> bool:
    """Make the instance hold the VideoRoom and this credential (after a restart: every live
    credential of the room). False when the VideoRoom went meanwhile: the caller tries again."""
    with Admin(placement.server) as admin:
        live = list(_live(placement).values_list("token", flat=True))
        created = admin.create_room(placement, live)
        added = live if created else [credential.token]
        admin.add_tokens(added)
        vanished = False
        if not created:
            try:
                admin.allowed(placement, "add", added)
            except JanusError as error:  # Retired, or the instance restarted, since create.
                if error.code != NO_SUCH_ROOM:
                    raise
                vanished = True
        # A revocation or retirement committed meanwhile may have reached Janus before the
        # additions above: take back whatever the database no longer grants.
        if not JanusRoom.objects.filter(pk=placement.pk, retired_at=None).exists():
            admin.destroy_room(placement)
            admin.take_back(None, added)
            return False
        granted = set(_live(placement).values_list("token", flat=True))
        if revoked := [token for token in added if token not in granted]:
            admin.take_back(placement, revoked)
    return not vanished


def _retire(placements: models.QuerySet[JanusRoom]) -> None:
    """Retire placements now; their instances forget them once this transaction commits."""
    servers = set(placements.values_list("server", flat=True))
    placements.update(retired_at=timezone.now())
    for server in servers:
        transaction.on_commit(partial(sync, server), robust=True)


@receiver(pre_delete, sender=Room)
def end_meeting_of_deleted_room(sender: type[Room], instance: Room, **kwargs: object) -> None:
    """Deleting a room (dashboard, admin, or with its owner's account) destroys its VideoRoom."""
    end_meeting(instance)


@receiver(post_save, sender=Room)
def end_meeting_on_new_links(
    sender: type[Room], instance: Room, created: bool, update_fields: object, **kwargs: object
) -> None:
    """New links end everyone's admission: Janus forgets every credential of the room."""
    if created or not enabled():
        return
    if update_fields is not None and "participant_digest" not in update_fields:
        return
    _retire(
        JanusRoom.objects.filter(room=instance, retired_at=None).exclude(
            links=instance.participant_digest
        )
    )
