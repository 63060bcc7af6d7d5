"""Who someone is in a room, read from their session and the database only, never a message.

Views and WebSocket consumers both ask here, so a page and its stream always agree.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q

from accounts.models import User

from .models import JoinRequest, Room, digest

GUEST_KEY = "guest_id"
HOSTS_KEY = "host_rooms"
ADMITTED_KEY = "admitted_rooms"


@dataclass(frozen=True)
class Member:
    """Someone who may be on the room page: the name others see, and whether they host."""

    name: str
    is_host: bool


def room_for_link(slug: str, secret: str) -> tuple[Room, bool] | None:
    """The room a link opens and whether it is the host link, or None for any miss."""
    room = Room.objects.filter(
        Q(participant_digest=digest(secret)) | Q(host_digest=digest(secret))
    ).first()
    if room is None or room.slug != slug:
        return None
    via_host_link = secrets.compare_digest(room.host_secret.encode(), secret.encode())
    if not via_host_link and not secrets.compare_digest(
        room.participant_secret.encode(), secret.encode()
    ):
        return None
    return room, via_host_link


def guest_id(session: SessionBase) -> str:
    """This browser's identity as a guest: made once, so a request outlives its tab."""
    if GUEST_KEY not in session:
        session[GUEST_KEY] = secrets.token_urlsafe(16)
    return session[GUEST_KEY]


def remember_host_link(session: SessionBase, room: Room) -> None:
    # The digest, not a flag: new links change it, and host rights from the old link end.
    session[HOSTS_KEY] = {**session.get(HOSTS_KEY, {}), str(room.code): room.host_digest}


def is_host(session: SessionBase, user: User | AnonymousUser, room: Room) -> bool:
    if user.is_authenticated and user.pk == room.owner_id:
        return True
    stored = session.get(HOSTS_KEY, {}).get(str(room.code), "")
    return secrets.compare_digest(stored.encode(), room.host_digest.encode())


def admit(session: SessionBase, room: Room, name: str) -> None:
    """Someone who may enter without asking (a host, or anyone while the room is unlocked)."""
    session[ADMITTED_KEY] = {**session.get(ADMITTED_KEY, {}), str(room.code): name}


def own_request(session: SessionBase, room: Room) -> JoinRequest | None:
    if GUEST_KEY not in session:
        return None
    return JoinRequest.objects.filter(room=room, guest_id=session[GUEST_KEY]).first()


def member(session: SessionBase, user: User | AnonymousUser, room: Room) -> Member | None:
    """The person on the room page, or None when they have not been let in."""
    host = is_host(session, user, room)
    name = session.get(ADMITTED_KEY, {}).get(str(room.code))
    if name is None and host and user.is_authenticated:
        name = user.display_name
    if name is None and not host:
        join_request = own_request(session, room)
        if join_request and join_request.status == JoinRequest.Status.ALLOWED:
            name = join_request.display_name
    return Member(name, host) if name is not None else None


def leave(session: SessionBase, room: Room) -> None:
    """Leaving ends the admission: a guest of a locked room asks again next time."""
    admitted = session.get(ADMITTED_KEY, {})
    if str(room.code) in admitted:
        session[ADMITTED_KEY] = {k: v for k, v in admitted.items() if k != str(room.code)}
    if GUEST_KEY in session:
        room.join_requests.filter(
            guest_id=session[GUEST_KEY], status=JoinRequest.Status.ALLOWED
        ).delete()
