"""500 guests ask within 5 seconds: every request stored and shown to the owner, none lost."""

import asyncio
import contextlib
import re
import time

from asgiref.sync import sync_to_async

from bench.people import cookies, open_socket, owner_with_room, post

GUESTS = 500
WITHIN = 5.0
SETTLE = 120.0  # how long the owner's open screen may take to catch up before we give up


def stored(room_id: int) -> tuple[int, bool]:
    """Pending requests in the database, and whether each of the guests' names is among them."""
    from rooms.models import JoinRequest

    names = set(
        JoinRequest.objects.filter(room_id=room_id, status="pending").values_list(
            "display_name", flat=True
        )
    )
    return len(names), names == {f"Burst {n}" for n in range(GUESTS)}


def shown(html: str) -> tuple[int, int, int]:
    """The rows in an owner snapshot, the count its heading states, and the "more" it mentions."""
    heading = re.search(r"(\d+) guests? waiting", html)
    more = re.search(r"and (\d+) more waiting", html)
    return (
        html.count("data-request-id="),
        int(heading.group(1)) if heading else 0,
        int(more.group(1)) if more else 0,
    )


async def run(server) -> list[str]:
    owner_session, room = await sync_to_async(owner_with_room)("burst@example.com")
    owner = await open_socket(server.port, "/ws/owner/", owner_session)
    await owner.recv()
    statuses: list[int] = []
    live: list[tuple[float, str]] = []

    async def watch() -> None:  # the owner's screen during the burst, as a browser would see it
        async for frame in owner:
            live.append((time.perf_counter(), frame))
            if shown(frame)[1] >= GUESTS:
                return

    async def ask(n: int) -> None:
        await asyncio.sleep(n * WITHIN / GUESTS)
        status, _ = await post(server.port, room["join"], cookies(), {"display_name": f"Burst {n}"})
        statuses.append(status)

    watching = asyncio.create_task(watch())
    start = time.perf_counter()
    await asyncio.gather(*(ask(n) for n in range(GUESTS)))
    answered = time.perf_counter() - start
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watching, SETTLE)
    caught_up = live[-1][0] - start if live else float("nan")
    live_count = shown(live[-1][1])[1] if live else 0
    await owner.close()

    count, every_name = await sync_to_async(stored)(room["id"])
    again = await open_socket(server.port, "/ws/owner/", owner_session)
    rows, heading, more = shown(await asyncio.wait_for(again.recv(), 60))
    await again.close()
    ok = statuses.count(302)
    whole = every_name and heading == count == ok == rows + more == GUESTS
    verdict = "none lost" if whole else "LOST SOME"
    return [
        f"## Burst: {GUESTS} guests ask within {WITHIN:.0f} seconds",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| asks answered with a redirect (302) | {ok} of {GUESTS} |",
        f"| all asks answered after | {answered:.1f} s |",
        f"| pending requests in the database (each guest's name once) | {count} "
        f"({'all' if every_name else 'NOT all'} {GUESTS} names) |",
        f"| owner's open screen: frames received during the burst | {len(live)} |",
        f"| owner's open screen: waiting count in its last frame, and when | {live_count} at "
        f"{caught_up:.1f} s |",
        f'| owner reconnecting after: heading / rows listed + "more waiting" | {heading} / '
        f"{rows} + {more} |",
        "",
        f"Result: {verdict}.",
        "",
    ]
