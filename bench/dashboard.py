"""Dashboard throughput and latency for 20 and 1,000 rooms, against a bare Django view."""

import statistics
import time

from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.client import load


def owner_with_rooms(email: str, count: int) -> str:
    """Creates an owner with `count` rooms and returns a session cookie for them."""
    from accounts.models import User
    from rooms.models import Room

    owner = User.objects.create_user(email=email, password="bench-pass-1234", display_name=email)
    rooms = [Room(owner=owner, name=f"Room {n}", slug="room") for n in range(count)]
    for room in rooms:  # bulk_create skips save(), which would give each room its links
        room.set_new_secrets()
    Room.objects.bulk_create(rooms, batch_size=500)
    client = Client()
    client.force_login(owner)
    return f"sessionid={client.cookies['sessionid'].value}"


def dashboard_queries(cookie: str) -> int:
    client = Client()
    client.cookies["sessionid"] = cookie.split("=", 1)[1]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 200
    return len(queries)


def in_process_ms(cookie: str, path: str, times: int = 200) -> float:
    """Median milliseconds of one request through Django in this process, with no server."""
    client = Client()
    if cookie:
        client.cookies["sessionid"] = cookie.split("=", 1)[1]
    spent = []
    for n in range(times + 20):  # the first 20 warm the template and URL caches
        start = time.perf_counter()
        assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
        if n >= 20:
            spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


def row(name: str, figures, baseline) -> str:
    return (
        f"| {name} | {figures.rps:,.0f} | {figures.rps / baseline.rps:.0%} | "
        f"{figures.p50:.1f} | {figures.percentile(99):.1f} | {figures.errors} |"
    )


async def run(server, seconds: float) -> list[str]:
    small = await sync_to_async(owner_with_rooms)("twenty@example.com", 20)
    large = await sync_to_async(owner_with_rooms)("thousand@example.com", 1000)
    queries_small = await sync_to_async(dashboard_queries)(small)
    queries_large = await sync_to_async(dashboard_queries)(large)
    empty = await sync_to_async(owner_with_rooms)("none@example.com", 0)
    alone = {
        name: await sync_to_async(in_process_ms)(cookie, path)
        for name, cookie, path in (
            ("bare", "", "/bench/bare/"),
            ("0 rooms", empty, "/"),
            ("20 rooms", small, "/"),
        )
    }

    await load(server.port, "/bench/bare/", seconds=1)  # warm up
    bare = await load(server.port, "/bench/bare/", seconds=seconds)
    twenty = await load(server.port, "/", small, seconds=seconds)
    thousand = await load(server.port, "/", large, seconds=seconds)
    floor = 1000 / bare.rps - alone["bare"] + alone["0 rooms"]  # server share + page, no tiles
    return [
        "## Dashboard (4 keep-alive connections, one daphne process)",
        "",
        "| page | requests/s | vs bare view | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row("bare Django view (baseline)", bare, bare),
        row("dashboard, 20 rooms", twenty, bare),
        row("dashboard, 1,000 rooms", thousand, bare),
        "",
        f"SQL queries per dashboard request: {queries_small} with 20 rooms, "
        f"{queries_large} with 1,000 rooms.",
        f"1,000 rooms cost {twenty.rps / thousand.rps:.1f}x the time of 20 rooms per request "
        f"(target: at most 2x); 20 rooms reach {twenty.rps / bare.rps:.0%} of the bare view "
        "(target: at least 40%).",
        "",
        "Where the time goes, Django alone in the bench process (median ms per request, no "
        f"server): bare view {alone['bare']:.2f}, dashboard with no rooms {alone['0 rooms']:.2f}, "
        f"with 20 rooms {alone['20 rooms']:.2f} "
        f"({(alone['20 rooms'] - alone['0 rooms']) / 20:.2f} per tile). Through daphne a bare "
        f"request costs {1000 / bare.rps:.2f} ms of server time, so 40% of its throughput allows "
        f"{1000 / (0.4 * bare.rps):.1f} ms per dashboard; the server's own share plus the "
        f"dashboard with no rooms is already {floor:.1f} ms.",
        "",
    ]
