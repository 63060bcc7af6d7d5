"""Ask to join and Allow across two daphne processes sharing PostgreSQL and Redis: the guest on
one process, the owner's socket on the other, as behind a proxy in production."""

import os

from asgiref.sync import sync_to_async
from django.conf import settings

from bench.people import close_sockets, open_socket, open_sockets, owner_with_room, waiting_guests
from bench.server import Server
from bench.waiting import HEADER, ask_and_allow, echo_round_trips, layer_round_trips, row

LEVELS = (0, 1000)


def skipped_because() -> str | None:
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set (two processes share only Redis and the database)"
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "DATABASE_URL is not a postgres:// URL (SQLite is one machine's file)"
    return None


async def run(samples: int) -> list[str]:
    title = "## Two processes with Redis: the guest on process A, the owner's socket on process B"
    reason = skipped_because()
    if reason:
        print(f"Skipped two processes: {reason}.")
        return [title, "", f"Skipped: {reason}.", ""]
    guest_side, owner_side = Server(), Server()
    try:
        owner_session, room = await sync_to_async(owner_with_room)("across@example.com")
        _, crowd_room = await sync_to_async(owner_with_room)("across-crowd@example.com")
        owner_socket = await open_socket(owner_side.port, "/ws/owner/", owner_session)
        await owner_socket.recv()
        owner = (owner_session, owner_socket)
        await ask_and_allow(guest_side.port, owner_side.port, owner, room, 5, "warm")
        echo = await echo_round_trips(guest_side.port, samples)
        layer = await layer_round_trips(samples)
        asks, allows, crowd = {}, {}, []
        try:
            for level in LEVELS:
                keys = await sync_to_async(waiting_guests)(
                    crowd_room["id"], level - len(crowd), "Crowd"
                )
                paths = [(crowd_room["guest_stream"], key) for key in keys]
                crowd += await open_sockets(guest_side.port, paths)
                asks[level], allows[level] = await ask_and_allow(
                    guest_side.port, owner_side.port, owner, room, samples, f"across-{level}"
                )
        finally:
            await close_sockets([*crowd, owner_socket])
    finally:
        guest_side.stop()
        owner_side.stop()
    return [
        title,
        "",
        "Ask: POST on A until the owner's frame on B. Allow: the owner's POST on B until the "
        "guest's stream on A shows Enter. Other guests hold sockets on A.",
        "",
        *HEADER,
        row("baseline: WebSocket message, group_send, back (echo consumer on A)", "-", echo, False),
        row("baseline: Redis group_send to receive, in the bench process", "-", layer, False),
        *(row("ask on A → owner's screen on B", f"{n:,}", asks[n]) for n in LEVELS),
        *(row("allow on B → guest on A sees Enter", f"{n:,}", allows[n]) for n in LEVELS),
        "",
    ]
