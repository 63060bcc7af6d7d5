"""Faults against real servers: Redis restarted, a daphne process killed, a socket dropped.

Each test starts its own redis-server (no persistence, on a free port) and daphne processes
pointed at it and at the PostgreSQL test database, breaks something for real, and checks that
nothing stored is lost and that a page which reconnects is repaired by the snapshot.
"""

import asyncio
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone
from websockets.sync.client import ClientConnection

from rooms.models import Actor, Presence
from session_rooms.asgi import application
from tests.helpers import PATIENCE, stream_headers
from tests.live import (
    Browser,
    LiveServer,
    ask,
    closes,
    free_port,
    open_stream,
    signed_in_owner,
    until,
)


def needs_real_servers(test):
    """PostgreSQL and redis-server, as CI provides; elsewhere the test is skipped, saying why."""
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    reason = "needs a postgres DATABASE_URL: these run real servers as production does"
    test = pytest.mark.skipif(not postgres, reason=reason)(test)
    return pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")(test)


class RedisServer:
    """A throwaway redis-server that can be killed and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """A crash and a restart: everything it held (groups, counters) is gone."""
        self.kill()
        self.start()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def live_servers(redis: RedisServer, count: int = 1, **env: str) -> Iterator[list[LiveServer]]:
    servers: list[LiveServer] = []
    try:
        for _ in range(count):
            servers.append(LiveServer(REDIS_URL=redis.url, **env))
        yield servers
    finally:
        for server in servers:
            server.stop()


def pending_names(room) -> list[str]:
    return sorted(room.waiting().values_list("display_name", flat=True))


@needs_real_servers
def test_redis_restarted_while_guests_wait(transactional_db, redis_server, alice, alices_room):
    with live_servers(redis_server) as (server,):
        owner = signed_in_owner(server, alice)
        dana = ask(server, alices_room, "Dana")
        lobby_stream = f"/ws{alices_room.participant_path}guest/"
        with (
            open_stream(server, owner, "/ws/owner/") as stream,
            open_stream(server, dana, lobby_stream) as waiting,
        ):
            until(stream, "Dana")
            until(waiting, "Waiting for the host")
            ask(server, alices_room, "Erin")
            until(stream, "Erin")

            redis_server.restart()

            # Redis forgot which sockets listen to what: those sockets end (1011), and the
            # pages reconnect (htmx's ws extension retries 1011), instead of staying deaf.
            assert closes(stream) == 1011
            assert closes(waiting) == 1011
        assert pending_names(alices_room) == ["Dana", "Erin"]
        with (
            open_stream(server, owner, "/ws/owner/") as stream,
            open_stream(server, dana, lobby_stream) as waiting,
        ):
            assert "2 guests waiting" in until(stream, "Dana", "Erin")
            until(waiting, "Waiting for the host")
            ask(server, alices_room, "Finn")
            assert "3 guests waiting" in until(stream, "Finn")
            dana_request = alices_room.join_requests.get(display_name="Dana")
            owner.submit("/", f"/rooms/{alices_room.code}/requests/{dana_request.pk}/allow/", {})
            until(waiting, "data-enter-room")
        assert pending_names(alices_room) == ["Erin", "Finn"]


def names_in(message: str) -> list[str]:
    return sorted(re.findall(r'<span class="person-name">([^<]*)</span>', message))


def until_people(stream: ClientConnection, people: list[str], timeout: float = PATIENCE) -> str:
    """The first presence list naming exactly these people (each once)."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        message = until(stream, 'id="presence-list"', timeout=max(0.1, deadline - time.monotonic()))
        seen = names_in(message)
        if seen == sorted(people):
            return message
    raise AssertionError(f"people {seen} never became {people} within {timeout}s")


def join_room(server: LiveServer, room, name: str) -> Browser:
    person = Browser(server)
    lobby = room.participant_path
    person.submit(lobby, f"{lobby}join/", {"display_name": name})
    return person


@needs_real_servers
def test_a_killed_daphne_loses_nothing_and_its_people_leave_the_room(
    transactional_db, redis_server, alice, alices_room, bobs_room
):
    room_stream = f"/ws{bobs_room.participant_path}room/"
    meeting = f"/ws{bobs_room.participant_path}meeting/"  # The person's presence.
    first = LiveServer(REDIS_URL=redis_server.url, PRESENCE_HEARTBEAT="1")
    try:
        owner = signed_in_owner(first, alice)
        pat = join_room(first, bobs_room, "Pat")
        with (
            open_stream(first, owner, "/ws/owner/") as stream,
            open_stream(first, pat, meeting),
            open_stream(first, pat, room_stream) as pat_stream,
        ):
            until_people(pat_stream, ["Pat"])
            ask(first, alices_room, "Dana")
            until(stream, "Dana")
            first.process.send_signal(signal.SIGKILL)  # No disconnect handler runs.
            first.process.wait(timeout=10)
    finally:
        first.stop()
    assert pending_names(alices_room) == ["Dana"]
    assert bobs_room.presences.filter(display_name="Pat").exists()  # Left behind by the kill.

    with live_servers(redis_server, PRESENCE_HEARTBEAT="1") as (second,):
        # The same browsers (their cookies, their sessions in the database) on the new process.
        owner.server = pat.server = second
        with open_stream(second, owner, "/ws/owner/") as stream:
            assert "1 guest waiting" in until(stream, "Dana")
            ask(second, alices_room, "Erin")
            assert "2 guests waiting" in until(stream, "Erin")
        quinn = join_room(second, bobs_room, "Quinn")
        with (
            open_stream(second, quinn, meeting),
            open_stream(second, quinn, room_stream) as quinn_stream,
        ):
            # Pat's row from the dead process goes; Pat, reconnecting, is listed once.
            until_people(quinn_stream, ["Quinn"])
            with open_stream(second, pat, meeting):
                until_people(quinn_stream, ["Pat", "Quinn"])
            until_people(quinn_stream, ["Quinn"])
    assert pending_names(alices_room) == ["Dana", "Erin"]


@needs_real_servers
def test_the_owners_dropped_socket_is_repaired_by_the_snapshot_on_reconnect(
    transactional_db, redis_server, alice, alices_room
):
    with live_servers(redis_server) as (server,):
        owner = signed_in_owner(server, alice)
        with open_stream(server, owner, "/ws/owner/") as stream:
            until(stream, 'id="owner-requests"')
            ask(server, alices_room, "Dana")
            until(stream, "Dana")
            # The network goes: no close frame, the TCP connection just ends.
            stream.socket.shutdown(socket.SHUT_RDWR)
        # While the owner is away, one guest asks and another is let in by a host.
        ask(server, alices_room, "Erin")
        dana = alices_room.join_requests.get(display_name="Dana")
        dana.allow(by=Actor.account(alice))
        with open_stream(server, owner, "/ws/owner/") as stream:
            snapshot = until(stream, 'id="owner-requests"')
        assert "Erin" in snapshot
        assert "Dana" not in snapshot
        assert "1 guest waiting" in snapshot


# The same clean-up in one process, on any database: a row its process stopped refreshing.


@pytest.mark.django_db(transaction=True)
async def test_presence_left_by_a_dead_process_leaves_the_list(settings, bobs_room):
    settings.PRESENCE_HEARTBEAT = 1  # So rows count as gone after 3 seconds of silence.
    # Seen in the future: listed however long the sockets below take to open.
    await database_sync_to_async(Presence.objects.create)(
        room=bobs_room,
        channel_name="dead-process!1",
        display_name="Ghost",
        seen_at=timezone.now() + timedelta(hours=1),
    )
    pat = await database_sync_to_async(Client)()
    await database_sync_to_async(pat.post)(
        f"{bobs_room.participant_path}join/", {"display_name": "Pat"}
    )
    path = f"/ws{bobs_room.participant_path}"
    meeting = WebsocketCommunicator(application, f"{path}meeting/", stream_headers(pat))
    communicator = WebsocketCommunicator(application, f"{path}room/", stream_headers(pat))
    try:
        await meeting.connect(timeout=PATIENCE)  # Pat's presence, and Pat's heartbeats.
        await communicator.connect(timeout=PATIENCE)
        assert names_in(await communicator.receive_from(timeout=PATIENCE)) == ["Ghost", "Pat"]
        # The ghost's process stops: its row was last refreshed an hour ago.
        await database_sync_to_async(Presence.objects.filter(display_name="Ghost").update)(
            seen_at=timezone.now() - timedelta(hours=1)
        )
        async with asyncio.timeout(PATIENCE):  # Pat's heartbeats clear the silent row and push.
            while names_in(await communicator.receive_from(timeout=PATIENCE)) != ["Pat"]:
                pass
        assert not await database_sync_to_async(
            Presence.objects.filter(display_name="Ghost").exists
        )()
        # Pat's own row stays, refreshed by its beats, past the three-beat timeout.
        pat_row = Presence.objects.filter(display_name="Pat")
        first_seen = (await database_sync_to_async(pat_row.get)()).seen_at
        past_timeout = first_seen + timedelta(seconds=3 * settings.PRESENCE_HEARTBEAT)
        async with asyncio.timeout(PATIENCE):
            while not await database_sync_to_async(
                pat_row.filter(seen_at__gt=past_timeout).exists
            )():
                await asyncio.sleep(0.1)
    finally:
        await communicator.disconnect()
        await meeting.disconnect()


@pytest.mark.django_db(transaction=True)
def test_an_ask_is_stored_and_answered_while_the_channel_layer_is_down(
    settings, client, alices_room
):
    # Nothing listens on this port: every push fails, as during a Redis outage.
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": dead, "socket_connect_timeout": 1}]},
        }
    }
    lobby = alices_room.participant_path
    response = client.post(f"{lobby}join/", {"display_name": "Dana"})
    assert response.status_code == 302
    assert response.url == lobby
    assert pending_names(alices_room) == ["Dana"]
