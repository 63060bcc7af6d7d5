"""Hints to the WebSocket streams, sent only once the transaction that changed the data commits.

A hint carries no data: each stream re-renders what is stored, for the person it serves.
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


def owner_group(owner_id: int) -> str:
    return f"owner-{owner_id}"


def hosts_group(code: UUID) -> str:
    return f"hosts-{code.hex}"


def guest_group(code: UUID, guest_id: str) -> str:
    return f"guest-{code.hex}-{guest_id}"


def presence_group(code: UUID) -> str:
    return f"presence-{code.hex}"


def room_group(code: UUID) -> str:
    """Every stream of a room (guests, hosts, people inside): for links changed and deletion."""
    return f"room-{code.hex}"


def send_now(group: str, kind: str) -> None:
    async_to_sync(get_channel_layer().group_send)(group, {"type": kind})


def send_after_commit(*messages: tuple[str, str]) -> None:
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
