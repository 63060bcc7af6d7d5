"""One member opening many tabs of a room (each a "Who is here now" socket and a meeting socket):
the server's CPU and an unrelated owner's stream, as ratios to baselines of the same run.

Twice, each on a fresh daphne: "before" lifts the socket caps and shrinks the window in which
arrivals make one render to 1 ms (close to the code before the caps and the coalescing; the
list is still capped at 50 and an unchanged list is still not re-sent), "after" runs the
defaults. The baselines: as many sockets to the echo consumer (CPU), and the owner's asks with
the room quiet (latency)."""

import asyncio
import time

from asgiref.sync import sync_to_async
from websockets.exceptions import ConnectionClosed

from bench.people import close_sockets, cookies, open_socket, owner_with_room, percentiles, post
from bench.server import Server

CONFIGS = (
    (
        "before: no caps, 1 ms window",
        {
            "ROOM_SOCKETS_PER_SESSION": "1000000",
            "ROOM_SOCKETS_PER_ADDRESS": "1000000",
            "STREAM_COALESCE_MS": "1",
        },
    ),
    (
        "after: the defaults",
        {"ROOM_SOCKETS_PER_SESSION": "12", "ROOM_SOCKETS_PER_ADDRESS": "100"},
    ),
)


def open_room(email: str) -> dict:
    """An owner with an unlocked room: its paths for a member's tabs."""
    from accounts.models import User
    from rooms.models import Room

    owner = User.objects.create_user(email=email, password="bench-pass-1234", display_name=email)
    room = Room.create(owner, f"Room of {email}", locked=False)
    lobby = room.participant_path
    return {"join": f"{lobby}join/", "people": f"/ws{lobby}room/", "meeting": f"/ws{lobby}meeting/"}


async def tab(port: int, path: str, session: str):
    """A socket and whether the server kept it (its first frame came, not a close)."""
    socket = await open_socket(port, path, session)
    try:
        first = await asyncio.wait_for(socket.recv(), 60)  # a snapshot, a welcome, or "closed"
    except ConnectionClosed:  # a page stream refused: closed without a message
        return socket, False
    return socket, '"type": "closed"' not in first


async def tabs(port: int, room: dict, session: str, count: int, at_once: int = 50):
    gate = asyncio.Semaphore(at_once)

    async def one(path: str):
        async with gate:
            return await tab(port, path, session)

    paths = [path for _ in range(count) for path in (room["people"], room["meeting"])]
    return await asyncio.gather(*(one(path) for path in paths))


async def asks(port: int, owner_socket, join: str, tag: str, until=None, samples: int = 20):
    """Asks to join the owner's room, each timed to the owner's frame naming the guest: `samples`
    of them, or as many as fit before `until` (a task) is done."""
    times = []
    for n in range(10_000):
        if (until is None and n >= samples) or (until is not None and until.done()):
            break
        name = f"Asker {tag}-{n}"
        start = time.perf_counter()
        posting = asyncio.create_task(post(port, join, cookies(), {"display_name": name}))
        while f'data-guest-name="{name}"' not in await asyncio.wait_for(owner_socket.recv(), 60):
            pass
        times.append(time.perf_counter() - start)
        await posting
    return times


async def echo_cpu(server: Server, count: int) -> float:
    """CPU seconds daphne spends opening and closing `count` sockets to the echo consumer."""
    before = server.cpu_seconds()
    sockets = await asyncio.gather(
        *(open_socket(server.port, "/ws/bench/echo/", "") for _ in range(count))
    )
    await close_sockets(sockets)
    await asyncio.sleep(0.5)
    return server.cpu_seconds() - before


async def measure(label: str, env: dict, count: int, samples: int) -> list[str]:
    server = Server(**env)
    try:
        tag = label.split(":")[0]
        owner_session, other = await sync_to_async(owner_with_room)(f"{tag}-owner@example.com")
        room = await sync_to_async(open_room)(f"{tag}-member@example.com")
        joined = await post(server.port, room["join"], cookies(), {"display_name": "M"})
        status, set_cookies = joined
        assert status == 302, f"join answered {status}"
        member = set_cookies["sessionid"]
        owner_socket = await open_socket(server.port, "/ws/owner/", owner_session)
        await owner_socket.recv()
        await asks(server.port, owner_socket, other["join"], f"{tag}warm", samples=3)

        echo = await echo_cpu(server, 2 * count)
        quiet = await asks(server.port, owner_socket, other["join"], f"{tag}quiet", samples=samples)

        before = server.cpu_seconds()
        started = time.perf_counter()
        flood = asyncio.create_task(tabs(server.port, room, member, count))
        during = await asks(server.port, owner_socket, other["join"], f"{tag}flood", until=flood)
        opened = await flood
        took = time.perf_counter() - started
        await close_sockets([socket for socket, _ in opened])
        await asyncio.sleep(1)  # the closes' own presence changes
        cpu = server.cpu_seconds() - before
        await owner_socket.close()
    finally:
        server.stop()
    kept = sum(ok for _, ok in opened)
    quiet_p50, during_p50 = percentiles(quiet)[0], percentiles(during)[0]
    return [
        f"| {label} | {count} | {kept} of {2 * count} | {took:.1f} | {cpu:.2f} | {echo:.2f} | "
        f"{cpu / echo:.1f}x | {quiet_p50:.0f} | {during_p50:.0f} ({len(during)}) | "
        f"{during_p50 / quiet_p50:.1f}x |"
    ]


async def run(count: int, samples: int) -> list[str]:
    lines = [
        f"## One member opening {count} tabs of a room (a presence and a meeting socket each)",
        "",
        "CPU: daphne's, from the first tab until a second after the last closed; the baseline, "
        "opening and closing as many sockets to the echo consumer. Latency: an unrelated owner's "
        "ask to join → their screen (p50), with the room quiet, and while the tabs open.",
        "",
        "| run | tabs | sockets kept | seconds to open | CPU s | echo CPU s | CPU ratio | "
        "owner p50 ms quiet | owner p50 ms during (samples) | latency ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, env in CONFIGS:
        lines += await measure(label, env, count, samples)
    return [*lines, ""]
