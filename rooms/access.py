"""Who someone is in a room, decided once per request (or per socket) from the session and the
database, never from a message.

Views reach a room only through the `*_or_404` helpers at the end of this module; a WebSocket
consumer builds its `RoomAccess` from the scope on connect. Each rule (who hosts, who is let in,
who skips the waiting room, who the activity log names) is one property of `RoomAccess`, so a
page and its stream always agree and a new rule changes this module alone. A new socket for the
people in a room builds one with `RoomAccess.from_scope` and opens only for `member`: it admits
exactly whom the room page admits.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from common import limits

from . import push
from .models import Actor, JoinRequest, Room, RoomSocket, admission_since, digest

if TYPE_CHECKING:
    from accounts.models import User

# Session keys. Host rights and admissions are per room code; the guest id is per browser.
GUEST_KEY = "guest_id"
HOSTS_KEY = "host_rooms"
ADMITTED_KEY = "admitted_rooms"
ANONYMOUS_HOST = "A host"  # The log's name for a host who decided before entering under a name.


class Link(StrEnum):
    """Which of a room's two links someone came by."""

    PARTICIPANT = "participant"
    HOST = "host"


@dataclass(frozen=True)
class Member:
    """Someone who may be on the room page: the name others see, and whether they host."""

    name: str
    is_host: bool


class RoomAccess:
    """One person (this session, this account or none) in one room, as far as the room is concerned.

    Build one per request or socket and ask it; every fact is worked out at most once:

    - `room`: the Room. `secret`: the link's secret as given ("" when reached by the room's code).
    - `link`: `Link.HOST` or `Link.PARTICIPANT`, which of the room's current links `secret` is;
      None when reached by code, or once new links replaced it.
    - `is_owner`: the signed-in owner. `is_host`: the owner, or a session that opened the room's
      current host link (new links end it).
    - `guest_id`: this browser's guest id (None until it first asks). `join_request`: its own
      JoinRequest for this room, whatever the status, or None. `request_allowed`: a host let it in.
    - `member`: `Member(name, is_host)` when let in (may be on the room page and its sockets),
      else None. An admission lasts for the visit: it ends on Leave, on removal, once this
      browser has been out of the room for ADMISSION_GRACE, and when the link it came by is
      replaced. `enters_at_once`: Join enters without asking (a host, or an unlocked room).
    - `actor`: the `Actor` the activity log names for what this person does.

    Changes write the session (and the database where said) and forget the facts they change:
    `remember_host_link()`, `admit(name)`, `stay()`, `ask(name)`, `leave()`.

    Made by `RoomAccess.by_link(session, user, slug, secret)`, `RoomAccess.from_scope(scope)` (a
    socket on a link route), `RoomAccess.for_request(request, room)` (a room reached by its
    code), and `reloaded()` (the same person against the room as stored now, for a socket told
    that the room changed). Views use the `*_or_404` helpers below rather than these.
    """

    def __init__(
        self, room: Room, session: SessionBase, user: User | AnonymousUser, secret: str = ""
    ) -> None:
        self.room, self.session, self.user, self.secret = room, session, user, secret

    @classmethod
    def by_link(
        cls, session: SessionBase, user: User | AnonymousUser, slug: str, secret: str
    ) -> RoomAccess | None:
        """The room a link opens, for this person; None for any miss (unknown, wrong, old)."""
        room = Room.objects.filter(
            Q(participant_digest=digest(secret)) | Q(host_digest=digest(secret))
        ).first()
        if room is None or room.slug != slug:
            return None
        access = cls(room, session, user, secret)
        return access if access.link else None

    @classmethod
    def for_request(cls, request: HttpRequest, room: Room) -> RoomAccess:
        """Whoever makes `request`, in a room found by its code (no link)."""
        return cls(room, request.session, request.user)

    @classmethod
    def from_scope(cls, scope: dict) -> RoomAccess | None:
        """A socket on a `r/<slug>/<secret>/...` route: the same rules as the page it serves."""
        kwargs = scope["url_route"]["kwargs"]
        return cls.by_link(scope["session"], scope["user"], kwargs["slug"], kwargs["secret"])

    @classmethod
    def of_session(cls, room: Room, session_key: str) -> RoomAccess | None:
        """Another browser in this room, by its session key (a host acting on them); None once
        that session is gone. The caller saves `session` after changing it."""
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        session.get(ADMITTED_KEY)  # Loads it: a session that no longer exists forgets its key.
        return cls(room, session, AnonymousUser()) if session.session_key else None

    def reloaded(self) -> RoomAccess | None:
        """The same person and link against the room as stored now; None once it is deleted."""
        room = Room.objects.filter(pk=self.room.pk).first()
        return RoomAccess(room, self.session, self.user, self.secret) if room else None

    @property
    def _key(self) -> str:
        """Session entries (host links, admissions) are per room, by its code."""
        return str(self.room.code)

    @cached_property
    def link(self) -> Link | None:
        if not self.secret:
            return None
        # Constant time: the lookup by digest found the room; the secret itself must match too.
        if secrets.compare_digest(self.room.host_secret.encode(), self.secret.encode()):
            return Link.HOST
        if secrets.compare_digest(self.room.participant_secret.encode(), self.secret.encode()):
            return Link.PARTICIPANT
        return None

    @cached_property
    def is_owner(self) -> bool:
        return self.user.is_authenticated and self.user.pk == self.room.owner_id

    @cached_property
    def is_host(self) -> bool:
        if self.is_owner:
            return True
        # The digest, not a flag: new links change it, and host rights from the old link end.
        stored = self.session.get(HOSTS_KEY, {}).get(self._key, "")
        return secrets.compare_digest(stored.encode(), self.room.host_digest.encode())

    @property
    def guest_id(self) -> str | None:
        return self.session.get(GUEST_KEY)

    @property
    def janus_holder(self) -> str:
        """Who holds this browser's Janus credentials for the room (rooms/janus.py): its guest
        id, or, for a browser that never asked (the owner, a host link's holder), a digest of
        its session key. Revoking by it ends the access of every tab of the browser."""
        if self.guest_id:
            return self.guest_id
        return "s:" + digest(self.session.session_key or "")[:32]

    @cached_property
    def join_request(self) -> JoinRequest | None:
        if self.guest_id is None:
            return None
        return JoinRequest.objects.filter(room=self.room, guest_id=self.guest_id).first()

    @property
    def request_allowed(self) -> bool:
        """A host let this guest in, within ADMISSION_GRACE: an Allow is taken up by entering."""
        join_request = self.join_request
        return (
            join_request is not None
            and join_request.status == JoinRequest.Status.ALLOWED
            and join_request.decided_at >= admission_since()
        )

    @cached_property
    def _admission(self) -> dict | None:
        """This session's admission to the room, while the link it came by is a current one.

        Stored as {"name", "via": the digest of that link, "at": when it was last renewed}."""
        entry = self.session.get(ADMITTED_KEY, {}).get(self._key)
        room = self.room
        if not isinstance(entry, dict) or entry.get("via") not in (
            room.participant_digest,
            room.host_digest,
        ):
            return None
        return entry

    @property
    def name_before(self) -> str:
        """The name of this session's last admission to the room, ended or not ("" if none)."""
        entry = self.session.get(ADMITTED_KEY, {}).get(self._key)
        return entry.get("name", "") if isinstance(entry, dict) else ""

    @cached_property
    def member(self) -> Member | None:
        """Let in: admitted in this session and in the room within ADMISSION_GRACE (a room
        page renewed it, or one of its sockets is or was open), a signed-in host, or a guest
        whose request a host allowed a moment ago."""
        entry, name = self._admission, None
        if entry is not None and (
            time.time() - entry["at"] <= settings.ADMISSION_GRACE
            or RoomSocket.recently_in(self.room, self.session.session_key or "")
        ):
            name = entry["name"]
        if name is None and self.is_host and self.user.is_authenticated:
            name = self.user.display_name
        if name is None and not self.is_host and self.request_allowed:
            name = self.join_request.display_name
        return Member(name, self.is_host) if name is not None else None

    @property
    def enters_at_once(self) -> bool:
        """Join skips the waiting room: hosts always, everyone while the room is unlocked."""
        return self.is_host or not self.room.locked

    @cached_property
    def actor(self) -> Actor:
        """The account if signed in, and the name this person is in the room under."""
        user = self.user if self.user.is_authenticated else None
        return Actor(user, self.member.name if self.member else ANONYMOUS_HOST)

    def forget(self, *facts: str) -> None:
        for fact in facts:
            self.__dict__.pop(fact, None)

    def remember_host_link(self) -> None:
        """Opening the host link makes this session a host of the room until new links."""
        if self.link != Link.HOST:
            return
        hosts = self.session.get(HOSTS_KEY, {})
        if hosts.get(self._key) != self.room.host_digest:  # Unchanged: no session write.
            self.session[HOSTS_KEY] = {**hosts, self._key: self.room.host_digest}
            self._granted()
        self.forget("is_host", "member", "actor")

    def admit(self, name: str) -> None:
        """Let this person in under `name` without asking (a host, or while the room is unlocked).

        The room counts as used: the dashboard lists the most recently used rooms first."""
        self._store_admission(name)
        self._granted()
        self.room.mark_used()

    def stay(self) -> None:
        """The room page is open: the visit goes on. Renews the admission when it is half way
        to lapsing (one session write a minute at most), and turns an Allow into one."""
        entry, member = self._admission, self.member
        if member is None or (self.is_host and self.user.is_authenticated):
            return  # A signed-in host needs none.
        if entry is None:  # An Allow taken up: a grant, as admit() is.
            self._store_admission(member.name)
            self._granted()
        elif time.time() - entry["at"] > settings.ADMISSION_GRACE / 2:
            self._store_admission(member.name)

    def _granted(self) -> None:
        """Host rights or an admission were just granted: a stored session gets a new key, so
        an id planted in this browser before (another port's or a sibling domain's cookie) is
        worth nothing after. A session made by this request has nothing to rotate."""
        if self.session.session_key:
            self.session.cycle_key()

    def _store_admission(self, name: str) -> None:
        via = digest(self.secret) if self.link else self.room.host_digest  # By code: the owner.
        entry = {"name": name, "via": via, "at": int(time.time())}
        self.session[ADMITTED_KEY] = {**self.session.get(ADMITTED_KEY, {}), self._key: entry}
        self.forget("_admission", "member", "actor")

    def ask(self, name: str, client: str = "") -> JoinRequest:
        """Knock on the locked room as this browser, from `client` (common.limits.client; see
        JoinRequest.ask for what may raise)."""
        if self.guest_id is None:  # Made once, so a request outlives its tab.
            self.session[GUEST_KEY] = secrets.token_urlsafe(16)
        self.forget("join_request", "member", "actor")
        self.join_request = JoinRequest.ask(self.room, self.guest_id, name, client)
        return self.join_request

    def leave(self) -> None:
        """Leaving ends the admission: a guest of a locked room asks again next time."""
        admitted = self.session.get(ADMITTED_KEY, {})
        if self._key in admitted:
            self.session[ADMITTED_KEY] = {k: v for k, v in admitted.items() if k != self._key}
        if self.guest_id is not None:
            self.room.join_requests.filter(
                guest_id=self.guest_id, status=JoinRequest.Status.ALLOWED
            ).delete()
        self.forget("join_request", "_admission", "member", "actor")

    def cancel(self) -> bool:
        """This guest takes back their pending request (False when there was none: decided
        meanwhile, or never made). Every host's list hears of it."""
        if self.guest_id is None:
            return False
        pending = self.room.join_requests.filter(
            guest_id=self.guest_id, status=JoinRequest.Status.PENDING
        )
        cancelled, _ = pending.delete()
        if cancelled:
            push.requests_changed(self.room.code, self.room.owner_id, [self.guest_id])
        self.forget("join_request", "member", "actor")
        return bool(cancelled)

    def removed(self) -> None:
        """A host removed this person: they leave, and a host link they opened no longer makes
        them a host, so coming back takes the host link again, or asking."""
        self.leave()
        hosts = self.session.get(HOSTS_KEY, {})
        if self._key in hosts:
            self.session[HOSTS_KEY] = {k: v for k, v in hosts.items() if k != self._key}
        self.forget("is_host", "member", "actor")

    def wait(self, name: str) -> JoinRequest:
        """Put this person in the waiting room under `name`, with a pending request, as if they
        had just asked (a host sent them there: no rate limit or cap applies)."""
        if self.guest_id is None:
            self.session[GUEST_KEY] = secrets.token_urlsafe(16)
        self.forget("join_request", "member", "actor")
        self.join_request = JoinRequest.wait(self.room, self.guest_id, name)
        return self.join_request


def owned_room_or_404(request: HttpRequest, code: UUID) -> Room:
    """The one way to reach a room by its dashboard code: a stranger's room is a 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Room, code=code, owner=request.user)


def host_access_or_404(request: HttpRequest, code: UUID) -> RoomAccess:
    """A room its owner or a host (by the host link, in this session) may run; others get 404."""
    access = RoomAccess.for_request(request, get_object_or_404(Room, code=code))
    if not access.is_host:
        raise Http404
    return access


def link_access_or_404(request: HttpRequest, slug: str, secret: str) -> RoomAccess:
    """The room a link opens, for this request; every miss is the same 404.

    Misses are counted per client: guessing secrets soon meets a 429. Opening the host link
    remembers it in the session, so the room page and its sockets know this person hosts."""
    limit, window = settings.LINK_LIMIT
    message = "Too many wrong room links from your address. Wait a few minutes and try again."
    attempt = limits.take(request, "link", limit, window, message)
    access = RoomAccess.by_link(request.session, request.user, slug, secret)
    if access is None:
        raise Http404
    limits.give_back(attempt)
    access.remember_host_link()
    return access
