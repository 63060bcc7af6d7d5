"""Hints to the WebSocket streams, sent only once the transaction that changed the data commits.

A hint carries no data: each stream re-renders what is stored, for the person it serves. The
meeting socket's messages are the exception: a relayed signal, a host's mute and the reason a
socket is closed are what they say, sent to one person's peer group.
"""

from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# Message types (a consumer handles "a.b_c" in its method a_b_c):
WAITING_CHANGED = "waiting.changed"  # The owner's and hosts' waiting lists: re-render them.
OWN_REQUEST_CHANGED = "own_request.changed"  # One guest's own request: re-render their lobby.
ROOM_CHANGED = "room.changed"
ROOM_DELETED = "room.deleted"
PRESENCE_CHANGED = "presence.changed"
MEETING_SIGNAL = "meeting.signal"  # Another member's offer, answer or ICE candidate, relayed.
MEETING_MUTED = "meeting.muted"  # A host turned this person's microphone off.
MEETING_CLOSE = "meeting.close"  # Say why, then close this meeting socket.
ACCOUNT_CHANGED = "account.changed"  # Logged out or a new password: check the session again.


def owner_group(owner_id: int) -> str:
    return f"owner-{owner_id}"


def account_group(user_id: int) -> str:
    """Every socket opened by a session signed in to this account."""
    return f"account-{user_id}"


def hosts_group(code: UUID) -> str:
    return f"hosts-{code.hex}"


def guest_group(code: UUID, guest_id: str) -> str:
    return f"guest-{code.hex}-{guest_id}"


def presence_group(code: UUID) -> str:
    return f"presence-{code.hex}"


def peer_group(code: UUID, peer_id: str) -> str:
    """One meeting socket, by the room's code and its peer id: a member of another room cannot
    reach it, whatever id they send."""
    return f"peer-{code.hex}-{peer_id}"


def room_group(code: UUID) -> str:
    """Every stream of a room (guests, hosts, people inside): for links changed and deletion."""
    return f"room-{code.hex}"


def send_now(group: str, kind: str | dict) -> None:
    message = kind if isinstance(kind, dict) else {"type": kind}
    async_to_sync(get_channel_layer().group_send)(group, message)


def send_after_commit(*messages: tuple[str, str | dict]) -> None:
    # A rolled-back change must not reach anyone, and a pushed hint must find the change stored.
    def send() -> None:
        for group, kind in messages:
            send_now(group, kind)

    # Robust: with Redis down the change is stored all the same and the person who made it gets
    # their page (the error is logged); streams catch up from the snapshot when they reconnect.
    transaction.on_commit(send, robust=True)


def requests_changed(code: UUID, owner_id: int, guest_ids: list[str]) -> None:
    """Join requests were made or decided: the waiting lists change, and so do those guests'."""
    send_after_commit(
        (owner_group(owner_id), WAITING_CHANGED),
        (hosts_group(code), WAITING_CHANGED),
        *[(guest_group(code, guest_id), OWN_REQUEST_CHANGED) for guest_id in guest_ids],
    )


def room_changed(code: UUID) -> None:
    """Privacy or links changed: every stream re-checks who may still listen, then re-renders."""
    send_after_commit((room_group(code), ROOM_CHANGED))


def room_deleted(code: UUID, owner_id: int) -> None:
    send_after_commit((room_group(code), ROOM_DELETED), (owner_group(owner_id), WAITING_CHANGED))


def presence_changed(code: UUID) -> None:
    """Someone arrived, left or changed their media: the lists and rosters re-read who is here."""
    send_after_commit((presence_group(code), PRESENCE_CHANGED))


def muted(code: UUID, peer_id: str, by: str) -> None:
    send_after_commit(
        (peer_group(code, peer_id), {"type": MEETING_MUTED, "by": by}),
        (presence_group(code), PRESENCE_CHANGED),
    )


def close_meetings(peers: list[tuple[UUID, str]], reason: str) -> None:
    """Close these meeting sockets (room code, peer id), saying why (docs/meeting.md)."""
    event = {"type": MEETING_CLOSE, "reason": reason}
    send_after_commit(*[(peer_group(code, peer_id), event) for code, peer_id in peers])
    send_after_commit(*[(presence_group(code), PRESENCE_CHANGED) for code in {c for c, _ in peers}])


def account_changed(user_id: int) -> None:
    """A session of this account logged out, or its password changed (which ends its other
    sessions): every socket opened as this account checks its session again."""
    send_after_commit((account_group(user_id), ACCOUNT_CHANGED))
