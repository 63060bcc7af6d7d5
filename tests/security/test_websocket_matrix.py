"""Every WebSocket route, opened by every kind of visitor, with the one outcome each may get.

The HTTP side is tests/test_authorization_matrix.py. A route in rooms.routing without a row
here fails `test_every_websocket_route_has_a_row`: a new stream must say who may listen.
Each visitor is a real browser session (the session cookie, through the project's ASGI
application with its Origin check), made the way the pages make it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rooms.consumers import REFUSED
from rooms.models import Actor, JoinRequest, Room
from rooms.routing import websocket_urlpatterns
from session_rooms.asgi import application
from tests.helpers import ORIGIN, PATIENCE, stream_headers

pytestmark = pytest.mark.django_db(transaction=True)

# The site is http://127.0.0.1:8000 (tests.helpers.ORIGIN): any other scheme, host or port is
# another site, though a host-name check would let the loopback ones through.
WRONG_ORIGINS = (
    "https://evil.example",
    "http://127.0.0.1:8209",  # another port
    "http://127.0.0.1",  # another port: 80
    "https://127.0.0.1",  # another scheme and port
    "https://127.0.0.1:8000",  # another scheme
    "http://localhost:8000",  # another host name for the same machine
    "null",  # a sandboxed frame or a file:// page
)
# guest: asked to join the locked room and waits; participant: asked and was allowed in;
# host: opened the host link and joined under a name; owner: alice, signed in.
ROLES = ("anonymous", "stranger", "guest", "participant", "host", "owner")
SNAPSHOT = "snapshot"  # accepted, and the stream's stored state arrives at once
CANARY = "Wendy"  # another guest waiting: only the room's hosts may see her


@dataclass(frozen=True)
class Route:
    path: Callable[[Room, str], str]
    marker: str  # what the snapshot of this stream contains
    outcomes: dict[
        str, dict[str, str | int]
    ]  # link ("participant", "host", "-") -> role -> outcome


def only(*roles: str) -> dict[str, str | int]:
    return {role: SNAPSHOT if role in roles else REFUSED for role in ROLES}


def link_stream(name: str) -> Callable[[Room, str], str]:
    return lambda room, secret: f"/ws/r/{room.slug}/{secret}/{name}/"


MATRIX: dict[str, Route] = {
    # A stranger may listen, to their own (empty) notifications: the canary check proves it.
    "ws/owner/": Route(
        lambda room, secret: "/ws/owner/",
        'id="owner-requests"',
        {"-": only("stranger", "owner")},
    ),
    "ws/r/<slug:slug>/<str:secret>/host/": Route(
        link_stream("host"),
        'id="host-panel"',
        {"participant": only("host", "owner"), "host": only("host", "owner")},
    ),
    # Only someone whose session holds a request: they hear that request and nothing else.
    "ws/r/<slug:slug>/<str:secret>/guest/": Route(
        link_stream("guest"),
        'id="join-state"',
        {"participant": only("guest", "participant"), "host": only("guest", "participant")},
    ),
    # Only people let in; a guest still waiting is not.
    "ws/r/<slug:slug>/<str:secret>/room/": Route(
        link_stream("room"),
        'id="presence-list"',
        {
            "participant": only("participant", "host", "owner"),
            "host": only("participant", "host", "owner"),
        },
    ),
    # The meeting: the same people as the room page, and its welcome first.
    "ws/r/<slug:slug>/<str:secret>/meeting/": Route(
        link_stream("meeting"),
        '"type": "welcome"',
        {
            "participant": only("participant", "host", "owner"),
            "host": only("participant", "host", "owner"),
        },
    ),
}
CASES = [(route, link) for route, row in MATRIX.items() for link in row.outcomes]
SEES_THE_WAITING_LIST = {("ws/owner/", "owner")} | {
    ("ws/r/<slug:slug>/<str:secret>/host/", role) for role in ("host", "owner")
}


def test_every_websocket_route_has_a_row():
    assert {str(route.pattern) for route in websocket_urlpatterns} == set(MATRIX)


@database_sync_to_async
def visitor(role: str, room: Room, charlie) -> Client:
    """A browser in the given role, made through the same pages a person would use."""
    client = Client()
    lobby, host_lobby = room.participant_path, room.host_path
    if role == "stranger":
        client.force_login(charlie)
    elif role == "owner":
        client.force_login(room.owner)
    elif role in ("guest", "participant"):
        client.get(lobby)
        client.post(f"{lobby}join/", {"display_name": "Dana"})
        join_request = JoinRequest.objects.get(room=room, display_name="Dana")
        assert join_request.status == JoinRequest.Status.PENDING
        if role == "participant":
            assert join_request.allow(by=Actor.account(room.owner))
    elif role == "host":
        client.get(host_lobby)
        assert client.post(f"{host_lobby}join/", {"display_name": "Hana"}).status_code == 302
    return client


@database_sync_to_async
def canary(room: Room) -> None:
    JoinRequest.ask(room, "canary-guest", CANARY)


async def outcome(path: str, client: Client, origin: str = ORIGIN) -> tuple[str | int, str]:
    """SNAPSHOT and its text, the close code of a refusal, or "handshake refused"."""
    communicator = WebsocketCommunicator(application, path, headers=stream_headers(client, origin))
    try:
        connected, _ = await communicator.connect(timeout=PATIENCE)
        if not connected:
            return "handshake refused", ""
        message = await communicator.receive_output(timeout=PATIENCE)
        if message["type"] == "websocket.close":
            return message["code"], ""
        return SNAPSHOT, message["text"]
    finally:
        await communicator.disconnect()


def secret_for(room: Room, link: str) -> str:
    return {"participant": room.participant_secret, "host": room.host_secret}.get(link, "-")


@pytest.mark.parametrize(("route", "link"), CASES)
async def test_each_visitor_gets_only_their_outcome(alices_room, charlie, route, link):
    row = MATRIX[route]
    await canary(alices_room)
    path = row.path(alices_room, secret_for(alices_room, link))
    got = {}
    for role in ROLES:
        client = await visitor(role, alices_room, charlie)
        got[role], text = await outcome(path, client)
        if got[role] == SNAPSHOT:
            assert row.marker in text, (role, text[:200])
            # Others waiting are the hosts' business only.
            assert (CANARY in text) == ((route, role) in SEES_THE_WAITING_LIST), role
        await database_sync_to_async(JoinRequest.objects.exclude(guest_id="canary-guest").delete)()
    assert got == row.outcomes[link]


@pytest.mark.parametrize(("route", "link"), CASES)
async def test_a_wrong_origin_is_refused_to_everyone(alices_room, charlie, route, link):
    path = MATRIX[route].path(alices_room, secret_for(alices_room, link))
    got = {}
    for role in ROLES:
        client = await visitor(role, alices_room, charlie)
        for origin in WRONG_ORIGINS:
            got[role, origin], _ = await outcome(path, client, origin=origin)
        await database_sync_to_async(JoinRequest.objects.all().delete)()
    refused = "handshake refused"
    assert got == {(role, origin): refused for role in ROLES for origin in WRONG_ORIGINS}


@pytest.mark.parametrize("route", [route for route in MATRIX if "<slug" in route])
async def test_a_wrong_or_old_secret_is_refused_to_everyone(alice, alices_room, charlie, route):
    old = alices_room.participant_secret
    path = MATRIX[route].path
    got = {}
    for role in ROLES:
        client = await visitor(role, alices_room, charlie)
        got[role], _ = await outcome(path(alices_room, "x" * 43), client)
        await database_sync_to_async(alices_room.regenerate_links)(by=alice)
        old_link, _ = await outcome(path(alices_room, old), client)
        assert old_link == REFUSED, role
        await database_sync_to_async(JoinRequest.objects.all().delete)()
        await database_sync_to_async(alices_room.refresh_from_db)()
        old = alices_room.participant_secret
    assert got == dict.fromkeys(ROLES, REFUSED)
