"""Ask-to-join to the owner's screen and Allow to the guest entering, with 0, 100 and 1,000 other
guests connected and waiting, against a bare group_send round trip measured in the same run."""

import asyncio
import re
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from bench.people import (
    another_room,
    close_sockets,
    cookies,
    open_socket,
    open_sockets,
    owner_with_room,
    percentiles,
    post,
    receive_until,
    waiting_guests,
)

LEVELS = (0, 100, 1000)
TARGET_MS = 100
OWN_QUEUE = 1000  # Before the owner's list was capped, ~800 broke the owner's stream (1 MiB frame).


async def ask_and_allow(
    guest_port: int, owner_port: int, owner, room: dict, samples: int, tag: str
):
    """Per sample, a new guest asks (timed to the owner's frame naming them), then the owner
    allows them (timed to the guest's frame with the Enter button). Returns both lists."""
    owner_session, owner_socket = owner
    asks, allows = [], []
    for n in range(samples):
        name = f"Asker {tag}-{n}"
        start = time.perf_counter()
        posting = asyncio.create_task(
            post(guest_port, room["join"], cookies(), {"display_name": name})
        )
        frame = await receive_until(owner_socket, f'data-guest-name="{name}"')
        asks.append(time.perf_counter() - start)
        status, set_cookies = await posting
        assert status == 302, f"join answered {status}"
        pk = re.search(rf'data-request-id="(\d+)" data-guest-name="{name}"', frame).group(1)

        guest = await open_socket(guest_port, room["guest_stream"], set_cookies["sessionid"])
        assert "Waiting for the host" in await asyncio.wait_for(guest.recv(), 30)
        start = time.perf_counter()
        allow = f"/rooms/{room['code']}/requests/{pk}/allow/"
        headers = {"HX_Request": "true", "HX_Target": "owner-requests"}
        posting = asyncio.create_task(
            post(owner_port, allow, cookies(owner_session), {}, **headers)
        )
        await receive_until(guest, "data-enter-room")
        allows.append(time.perf_counter() - start)
        status, _ = await posting
        assert status == 200, f"allow answered {status}"
        await guest.close()
    return asks, allows


async def echo_round_trips(port: int, samples: int) -> list[float]:
    """A socket's message through the server's group_send and back: the WebSocket baseline."""
    socket = await open_socket(port, "/ws/bench/echo/", "")
    times = []
    try:
        for n in range(samples):
            start = time.perf_counter()
            await socket.send(str(n))
            await socket.recv()
            times.append(time.perf_counter() - start)
    finally:
        await socket.close()
    return times


async def layer_round_trips(samples: int) -> list[float]:
    """group_send to receive in this process, through the server's kind of layer (Redis, memory)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("bench-layer", channel)
    times = []
    try:
        for n in range(samples):
            start = time.perf_counter()
            await layer.group_send("bench-layer", {"type": "ping", "n": n})
            await layer.receive(channel)
            times.append(time.perf_counter() - start)
    finally:
        await layer.group_discard("bench-layer", channel)
    return times


def row(name: str, others: str, times: list[float], target: bool = True) -> str:
    p50, p95, p99 = percentiles(times)
    verdict = ("met" if p99 < TARGET_MS else "MISSED") if target else "baseline"
    return f"| {name} | {others} | {len(times)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {verdict} |"


HEADER = [
    "| path | other guests connected and waiting | samples | p50 ms | p95 ms | p99 ms | "
    f"p99 < {TARGET_MS} ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
]


async def measure_levels(
    guest_port: int, owner_port: int, samples: int, levels, email: str, tag: str, then=None
):
    """Ask and Allow at each level of other guests connected and waiting (their sockets on the
    guest's process), with the echo and layer baselines of the same run. `then(owner, room)`
    measures more while the crowd is still there. Returns echo, layer, asks, allows, then's."""
    owner_session, room = await sync_to_async(owner_with_room)(email)
    _, crowd_room = await sync_to_async(owner_with_room)(f"crowd-{email}")
    owner_socket = await open_socket(owner_port, "/ws/owner/", owner_session)
    await owner_socket.recv()
    owner = (owner_session, owner_socket)
    await ask_and_allow(guest_port, owner_port, owner, room, 5, f"{tag}warm")

    echo = await echo_round_trips(guest_port, samples)
    layer = await layer_round_trips(samples)
    asks, allows, crowd, more = {}, {}, [], None
    try:
        for level in levels:
            keys = await sync_to_async(waiting_guests)(
                crowd_room["id"], level - len(crowd), "Crowd"
            )
            paths = [(crowd_room["guest_stream"], key) for key in keys]
            crowd += await open_sockets(guest_port, paths)
            asks[level], allows[level] = await ask_and_allow(
                guest_port, owner_port, owner, room, samples, f"{tag}{level}"
            )
        if then:
            more = await then(owner, room)
    finally:
        await close_sockets([*crowd, owner_socket])
    return echo, layer, asks, allows, more


async def run(server, samples: int) -> list[str]:
    email = "asked@example.com"

    async def own_queue(owner, room):
        # Also waiting for this owner, in a room listed after the asked one: each hint
        # re-renders the owner's list (the first OWNER_LIST_MAX) and counts the rest.
        queue = await sync_to_async(another_room)(email, "Zz queue")
        await sync_to_async(waiting_guests)(queue["id"], OWN_QUEUE, "Queued")
        return await ask_and_allow(server.port, server.port, owner, room, samples, "own")

    echo, layer, asks, allows, (crowded_asks, crowded_allows) = await measure_levels(
        server.port, server.port, samples, LEVELS, email, "", then=own_queue
    )
    lines = [
        "## Ask to join and Allow, through one daphne process",
        "",
        "Ask: the guest's POST to /r/<slug>/<secret>/join/ until the owner's /ws/owner/ frame "
        "names them. Allow: the owner's POST allow until the guest's stream shows the Enter "
        "button. The other guests each hold a real WebSocket on their guest stream with a "
        "pending request in another owner's room; in the last rows, 1,000 more wait in another "
        "room of the asked owner, so the owner's list is full (its first 50, and a count).",
        "",
        *HEADER,
        row("baseline: WebSocket message, group_send, back (echo consumer)", "-", echo, False),
        row(
            "baseline: channel layer group_send to receive, in the bench process", "-", layer, False
        ),
    ]
    lines += [row("ask to join → owner's screen", f"{level:,}", asks[level]) for level in LEVELS]
    lines += [row("allow → guest sees Enter", f"{level:,}", allows[level]) for level in LEVELS]
    lines += [
        row(
            "ask to join → owner's screen",
            f"1,000 + {OWN_QUEUE:,} waiting for this owner",
            crowded_asks,
        ),
        row(
            "allow → guest sees Enter",
            f"1,000 + {OWN_QUEUE:,} waiting for this owner",
            crowded_allows,
        ),
        "",
    ]
    return lines
