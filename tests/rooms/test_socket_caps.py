"""Sockets per room are capped per browser session and per client address (an IPv6 /64 is one):
past a cap a new one is closed with 4409 (docs/meeting.md), and the meeting socket says why
first. Every room stream counts: the lobby's, the room page's and the meeting."""

import asyncio
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from common.limits import scope_address
from rooms.consumers import TOO_MANY, Beats
from rooms.models import Room, RoomSocket
from session_rooms.asgi import application
from tests.helpers import PATIENCE, browser, close_code, stream_headers

pytestmark = pytest.mark.django_db(transaction=True)


async def open_rows() -> int:
    return await database_sync_to_async(RoomSocket.objects.filter(closed=False).count)()


def room_stream(room, kind: str = "room") -> str:
    return f"/ws{room.participant_path}{kind}/"


async def opened(path: str, client: Client, address: str = "198.51.100.7"):
    """A socket from `address`: the communicator, and whether it stays open past its snapshot."""
    communicator = WebsocketCommunicator(application, path, headers=stream_headers(client))
    communicator.scope["client"] = (address, 50000)
    connected, _ = await communicator.connect(timeout=PATIENCE)
    assert connected  # Accepted, then closed with a code: a refused handshake would be retried.
    first = await communicator.receive_output(timeout=PATIENCE)
    if first["type"] == "websocket.close":
        return communicator, first["code"]
    sent = first.get("text", "")
    if sent.startswith("{") and (message := json.loads(sent))["type"] == "closed":
        return communicator, (message["reason"], await close_code(communicator))
    return communicator, "open"


async def close_all(communicators) -> None:
    for communicator in communicators:
        await communicator.disconnect()


async def test_one_browser_opens_at_most_the_cap_and_then_4409(bobs_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 3
    pat = await browser(bobs_room, name="Pat")
    sockets, outcomes = [], []
    for _ in range(4):
        communicator, outcome = await opened(room_stream(bobs_room), pat)
        sockets.append(communicator)
        outcomes.append(outcome)
    assert outcomes == ["open", "open", "open", TOO_MANY]
    quinn = await browser(bobs_room, name="Quinn")  # Another browser, the same address: fine.
    communicator, outcome = await opened(room_stream(bobs_room), quinn)
    sockets.append(communicator)
    assert outcome == "open"
    await sockets[0].disconnect()  # One closed: room for one more.
    communicator, outcome = await opened(room_stream(bobs_room), pat)
    sockets.append(communicator)
    assert outcome == "open"
    await close_all(sockets[1:])
    assert await open_rows() == 0  # Room page rows stay, closed: when they were last in.


async def test_one_address_opens_at_most_the_cap(bobs_room, settings):
    settings.ROOM_SOCKETS_PER_ADDRESS = 2
    browsers = [await browser(bobs_room, name=f"Bot {n}") for n in range(3)]
    sockets, outcomes = [], []
    for n, client in enumerate(browsers):  # One /64: one client.
        communicator, outcome = await opened(room_stream(bobs_room), client, f"2001:db8::{n + 1}")
        sockets.append(communicator)
        outcomes.append(outcome)
    assert outcomes == ["open", "open", TOO_MANY]
    dana = await browser(bobs_room, name="Dana")
    communicator, outcome = await opened(room_stream(bobs_room), dana, "203.0.113.9")
    sockets.append(communicator)
    assert outcome == "open"
    await close_all(sockets)


async def test_the_cap_is_per_room(alice, bobs_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 1
    other = await database_sync_to_async(Room.create)(alice, name="Open too", locked=False)
    pat = await browser(bobs_room, name="Pat")
    await database_sync_to_async(pat.post)(f"{other.participant_path}join/", {"display_name": "P"})
    first, outcome = await opened(room_stream(bobs_room), pat)
    assert outcome == "open"
    second, outcome = await opened(room_stream(other), pat)
    assert outcome == "open"
    await close_all([first, second])


async def test_every_room_stream_counts(alice, alices_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 2
    hana = await browser(alices_room, name="Hana", host=True)
    secret = alices_room.host_secret
    paths = [f"/ws/r/{alices_room.slug}/{secret}/{kind}/" for kind in ("host", "room", "meeting")]
    sockets, outcomes = [], []
    for path in paths:
        communicator, outcome = await opened(path, hana)
        sockets.append(communicator)
        outcomes.append(outcome)
    # The meeting socket says why before it closes; the page shows it (meeting.js).
    assert outcomes == ["open", "open", ("sockets", TOO_MANY)]
    await close_all(sockets)
    assert await open_rows() == 0  # Room page rows stay, closed: when they were last in.


async def test_a_waiting_guests_lobby_sockets_count(alices_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 1
    dana = await browser(alices_room, name="Dana")  # Locked: waiting.
    first, outcome = await opened(room_stream(alices_room, "guest"), dana)
    assert outcome == "open"
    second, outcome = await opened(room_stream(alices_room, "guest"), dana)
    assert outcome == TOO_MANY
    await close_all([first, second])


async def test_sockets_of_a_process_that_died_stop_counting(bobs_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 1
    pat = await browser(bobs_room, name="Pat")
    first, outcome = await opened(room_stream(bobs_room), pat)
    assert outcome == "open"

    def killed() -> None:  # Its heartbeats stopped three beats ago.
        then = timezone.now() - timedelta(seconds=3 * settings.PRESENCE_HEARTBEAT + 1)
        RoomSocket.objects.update(seen_at=then)

    await database_sync_to_async(killed)()
    second, outcome = await opened(room_stream(bobs_room), pat)
    assert outcome == "open"
    await close_all([first, second])


async def test_a_burst_of_sockets_at_once_gets_no_more_than_the_cap(bobs_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 3
    pat = await browser(bobs_room, name="Pat")
    results = await asyncio.gather(*[opened(room_stream(bobs_room), pat) for _ in range(8)])
    outcomes = [outcome for _, outcome in results]
    assert sorted(outcomes, key=str) == [TOO_MANY] * 5 + ["open"] * 3
    await close_all([communicator for communicator, _ in results])


def test_the_address_of_a_socket_is_the_limits_client(settings):
    scope = {"client": ("2001:db8:1:2:3:4:5:6", 1), "headers": []}
    assert scope_address(scope) == "2001:db8:1:2::/64"
    proxied = {
        "client": ("10.0.0.2", 1),
        "headers": [(b"x-forwarded-for", b"1.2.3.4, 198.51.100.7")],
    }
    assert scope_address(proxied) == "10.0.0.2"  # Not behind a proxy: the header is anyone's.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert scope_address(proxied) == "198.51.100.7"  # The proxy's own hop, the last.
    assert scope_address({"headers": []}) == "unknown"


def test_one_beat_refreshes_every_socket_of_the_process(bobs_room, django_assert_num_queries):
    old = timezone.now() - timedelta(hours=1)
    RoomSocket.objects.bulk_create(
        RoomSocket(room=bobs_room, channel_name=f"c{n}", session_key="s", client="a", seen_at=old)
        for n in range(600)
    )
    with django_assert_num_queries(2):  # 600 sockets, 500 a query; no waiting guests among them.
        Beats.beat([f"c{n}" for n in range(600)], [], {})
    assert not RoomSocket.objects.filter(seen_at=old).exists()
