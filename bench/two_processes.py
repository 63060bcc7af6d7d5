"""Ask to join and Allow across two daphne processes sharing PostgreSQL and Redis: the guest on
one process, the owner's socket on the other, as behind a proxy in production."""

import os

from django.conf import settings

from bench.server import Server
from bench.waiting import HEADER, measure_levels, row

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
        echo, layer, asks, allows, _ = await measure_levels(
            guest_side.port, owner_side.port, samples, LEVELS, "across@example.com", "across-"
        )
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
