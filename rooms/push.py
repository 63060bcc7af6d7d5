"""Hints to the WebSocket streams, sent only once the transaction that changed the data commits.

A hint carries no data: each stream re-renders what is stored, for the person it serves.
"""

from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


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
    send_after_commit(
        (owner_group(owner_id), "requests.changed"),
        (hosts_group(code), "requests.changed"),
        *[(guest_group(code, guest_id), "request.changed") for guest_id in guest_ids],
    )


def room_changed(code: UUID) -> None:
    """Privacy or links changed: every stream re-checks who may still listen, then re-renders."""
    send_after_commit((room_group(code), "room.changed"))


def room_deleted(code: UUID, owner_id: int) -> None:
    send_after_commit(
        (room_group(code), "room.deleted"), (owner_group(owner_id), "requests.changed")
    )
