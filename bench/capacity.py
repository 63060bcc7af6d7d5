"""How many waiting guests' WebSockets one daphne process holds, with memory per socket and the
CPU it spends while they all sit idle."""

import asyncio
import os
import time

from asgiref.sync import sync_to_async
from websockets.protocol import State

from bench.people import close_sockets, open_sockets, owner_with_room, waiting_guests

STEPS = (1000, 2000)
IDLE_SECONDS = 10


async def idle_cpu(server, seconds: float) -> float:
    """The server's CPU use over `seconds` of nobody doing anything, as a share of one core."""
    before = server.cpu_seconds()
    await asyncio.sleep(seconds)
    return (server.cpu_seconds() - before) / seconds


async def run(server, steps: tuple[int, ...] = STEPS) -> list[str]:
    _, room = await sync_to_async(owner_with_room)("capacity@example.com")
    stream = room["guest_stream"]
    warm = await sync_to_async(waiting_guests)(room["id"], 20, "Warm")
    await close_sockets(await open_sockets(server.port, [(stream, key) for key in warm]))
    await asyncio.sleep(1)
    rss_before = server.rss_kib()
    cpu_before = await idle_cpu(server, IDLE_SECONDS / 2)
    rows, sockets = [], []
    try:
        for step in steps:
            keys = await sync_to_async(waiting_guests)(room["id"], step - len(sockets), "Held")
            start = time.perf_counter()
            sockets += await open_sockets(server.port, [(stream, key) for key in keys])
            connect = time.perf_counter() - start
            await asyncio.sleep(1)
            rss = server.rss_kib()
            cpu = await idle_cpu(server, IDLE_SECONDS)
            open_now = sum(socket.state is State.OPEN for socket in sockets)
            per_socket = (rss - rss_before) / len(sockets)
            rows.append(
                f"| {step:,} | {open_now:,} | {len(keys):,} in {connect:.1f} s | "
                f"{rss / 1024:.0f} | {per_socket:.0f} | {cpu:.1%} |"
            )
    finally:
        await close_sockets(sockets)
    return [
        "## Capacity: waiting guests' WebSockets held by one daphne process",
        "",
        f"Server before any guest: {rss_before / 1024:.0f} MiB resident, {cpu_before:.1%} of a "
        f"core idle. Idle CPU is measured over {IDLE_SECONDS} s with every socket open and quiet "
        "(daphne pings each one every 20 s).",
        "",
        "Channel layer: Redis, the one to read for scale."
        if os.environ.get("REDIS_URL")
        else "Channel layer: in memory, which scans every group membership on each receive "
        "(quadratic in sockets past about 1,000): read the Redis run for scale.",
        "",
        "| sockets asked for | still open | newly connected | server RSS MiB | "
        "KiB per socket | idle CPU (one core = 100%) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
