"""The meeting socket (docs/meeting.md): who may open it, welcome and roster, relaying signals
only within a room, the bounds on what it takes, and closing at once when a visit ends.

Run through the project's real ASGI application (Origin check, session cookie); with REDIS_URL
set the channels-redis layer carries every relayed message.
"""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from rooms.consumers import BAD_MESSAGE, ENDED, GONE, REFUSED, TOO_BIG, TOO_FAST, Bucket
from rooms.models import Actor, JoinRequest, Presence, Room
from tests.helpers import PATIENCE, browser, close_code, listen, open_stream, until

pytestmark = pytest.mark.django_db(transaction=True)

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
CANDIDATE = {"candidate": "candidate:1 1 udp 1 10.99.0.2 5000 typ host", "sdpMid": "0"}


def meeting_path(room: Room, secret: str | None = None) -> str:
    return f"/ws/r/{room.slug}/{secret or room.participant_secret}/meeting/"


async def receive(
    communicator: WebsocketCommunicator, kind: str, timeout: float = PATIENCE
) -> dict:
    """The next message of this type (rosters come and go between the others)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await communicator.receive_from(timeout=timeout))
            if message["type"] == kind:
                return message


async def up_to(communicator: WebsocketCommunicator, marker) -> list[dict]:
    """Every message until the first that `marker` accepts, that one last. A later event as
    the marker proves that a message which must not come would have come by then: no test
    waits a while for nothing."""
    seen = []
    async with asyncio.timeout(PATIENCE):
        while not seen or not marker(seen[-1]):
            seen.append(json.loads(await communicator.receive_from(timeout=PATIENCE)))
    return seen


def types(messages: list[dict]) -> set[str]:
    return {message["type"] for message in messages}


async def roster_of(communicator: WebsocketCommunicator, names: list[str]) -> list[dict]:
    """The first roster naming exactly these people, in this order."""
    async with asyncio.timeout(PATIENCE):
        while True:
            peers = (await receive(communicator, "roster"))["peers"]
            if [peer["name"] for peer in peers] == names:
                return peers


async def join(room: Room, name: str, **kwargs) -> tuple[WebsocketCommunicator, dict]:
    """Someone let in, on the meeting socket: the socket and its welcome."""
    client = await browser(room, name=name, **kwargs)
    secret = room.host_secret if kwargs.get("host") else None
    communicator = await listen(meeting_path(room, secret), client)
    return communicator, await receive(communicator, "welcome")


async def rows() -> list[str]:
    return await database_sync_to_async(
        lambda: list(Presence.objects.values_list("display_name", flat=True))
    )()


# Who may open it


async def test_it_refuses_the_stranger_the_waiting_guest_and_the_anonymous(charlie, alices_room):
    waiting = await browser(alices_room, name="Dana")  # Locked: asked, still waiting.
    for client in (waiting, await browser(login=charlie), None):
        communicator, connected = await open_stream(meeting_path(alices_room), client)
        assert connected  # Accepted, then closed with a code the page does not retry.
        assert await close_code(communicator) == REFUSED
        await communicator.disconnect()
    assert await rows() == []


async def test_it_refuses_a_wrong_origin(bobs_room):
    pat = await browser(bobs_room, name="Pat")
    communicator, connected = await open_stream(
        meeting_path(bobs_room), pat, "https://evil.example"
    )
    assert not connected
    await communicator.disconnect()


async def test_an_allowed_guest_and_a_host_get_in(alice, alices_room):
    dana = await browser(alices_room, name="Dana")
    request = await database_sync_to_async(JoinRequest.objects.get)()
    await database_sync_to_async(request.allow)(by=Actor.account(alice))
    dana_socket = await listen(meeting_path(alices_room), dana)
    assert (await receive(dana_socket, "welcome"))["is_host"] is False
    hana_socket, welcome = await join(alices_room, "Hana", host=True)
    assert welcome["is_host"] is True
    peers = await roster_of(dana_socket, ["Dana", "Hana"])
    assert [peer["is_host"] for peer in peers] == [False, True]
    await dana_socket.disconnect()
    await hana_socket.disconnect()


# Welcome and roster


async def test_the_welcome_gives_an_unguessable_id_media_and_no_ice_servers_by_default(bobs_room):
    pat, welcome = await join(bobs_room, "Pat")
    assert set(welcome) == {"type", "id", "name", "is_host", "media", "mesh_limit", "ice_servers"}
    assert len(welcome["id"]) >= 22  # 128 bits from secrets
    assert welcome["name"] == "Pat"
    assert welcome["media"] is True
    assert welcome["mesh_limit"] == 6
    assert welcome["ice_servers"] == []
    peers = await roster_of(pat, ["Pat"])
    assert peers == [
        {
            "id": welcome["id"],
            "name": "Pat",
            "is_host": False,
            "audio": False,
            "video": False,
            "screen": None,
            "media": True,
        }
    ]
    stored = await database_sync_to_async(Presence.objects.get)()
    assert stored.peer_id == welcome["id"]
    await pat.disconnect()
    assert await rows() == []


async def test_the_welcome_carries_turn_credentials_made_for_this_peer(settings, bobs_room):
    settings.STUN_URLS = ["stun:10.99.0.1:3478"]
    settings.TURN_URLS = ["turn:10.99.0.1:3478?transport=udp"]
    settings.TURN_SECRET = "s" * 32
    pat, welcome = await join(bobs_room, "Pat")
    stun, turn = welcome["ice_servers"]
    assert stun == {"urls": ["stun:10.99.0.1:3478"]}
    assert turn["username"].endswith(f":{welcome['id']}")
    assert turn["credential"]
    await pat.disconnect()


async def test_everyone_gets_the_roster_as_people_arrive_change_and_leave(bobs_room):
    pat, pat_welcome = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    await quinn.send_json_to({"type": "state", "audio": True, "video": True, "screen": "s-1"})
    async with asyncio.timeout(5):
        while (peers := await roster_of(pat, ["Pat", "Quinn"]))[1]["screen"] is None:
            pass
    assert {k: peers[1][k] for k in ("id", "audio", "video", "screen")} == {
        "id": quinn_welcome["id"],
        "audio": True,
        "video": True,
        "screen": "s-1",
    }
    await quinn.disconnect()
    assert [peer["id"] for peer in await roster_of(pat, ["Pat"])] == [pat_welcome["id"]]
    await pat.disconnect()


async def test_the_same_state_again_tells_nobody(bobs_room, settings):
    settings.STREAM_COALESCE_MS = 1  # Each hint its own render: none folded into the change's.
    pat, _ = await join(bobs_room, "Pat")
    quinn, _ = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    state = {"type": "state", "audio": True, "video": False, "screen": None}
    await quinn.send_json_to(state)
    assert (await roster_of(pat, ["Pat", "Quinn"]))[1]["audio"] is True
    for _ in range(5):
        await quinn.send_json_to(state)
    await quinn.send_json_to({**state, "video": True})  # Handled after the five, then told.
    told = await up_to(pat, lambda message: message.get("peers", [{}, {}])[1].get("video"))
    assert len(told) == 1  # The change, and nothing for the five before it.
    await pat.disconnect()
    await quinn.disconnect()


async def test_the_presence_list_and_the_roster_name_the_same_people(bobs_room):
    pat_client = await browser(bobs_room, name="Pat")
    page_stream = await listen(
        f"/ws/r/{bobs_room.slug}/{bobs_room.participant_secret}/room/", pat_client
    )
    assert "Nobody yet." in await until(page_stream, 'id="presence-list"')
    pat = await listen(meeting_path(bobs_room), pat_client)
    quinn, _ = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    listed = await until(page_stream, "Quinn")
    assert listed.index("Pat") < listed.index("Quinn")
    assert listed.count('class="person-name"') == 2
    assert listed.count(">You<") == 1  # Pat's own page marks Pat.
    await quinn.disconnect()
    while "Quinn" in (listed := await until(page_stream, 'id="presence-list"')):
        pass
    assert "Pat" in listed
    await pat.disconnect()
    await page_stream.disconnect()


async def test_past_the_mesh_limit_people_enter_without_media_until_someone_leaves(
    settings, bobs_room
):
    settings.MEETING_MESH_LIMIT = 2
    pat, _ = await join(bobs_room, "Pat")
    quinn, _ = await join(bobs_room, "Quinn")
    rudy, welcome = await join(bobs_room, "Rudy")
    assert welcome["media"] is False
    assert welcome["mesh_limit"] == 2
    peers = await roster_of(rudy, ["Pat", "Quinn", "Rudy"])
    assert [peer["media"] for peer in peers] == [True, True, False]
    await pat.disconnect()
    peers = await roster_of(rudy, ["Quinn", "Rudy"])
    assert [peer["media"] for peer in peers] == [True, True]
    await quinn.disconnect()
    await rudy.disconnect()


# Relaying


async def test_it_relays_a_description_and_a_candidate_to_that_peer_only(bobs_room):
    pat, pat_welcome = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    rudy, rudy_welcome = await join(bobs_room, "Rudy")
    await roster_of(pat, ["Pat", "Quinn", "Rudy"])
    await pat.send_json_to({"type": "signal", "to": quinn_welcome["id"], "description": OFFER})
    assert await receive(quinn, "signal") == {
        "type": "signal",
        "from": pat_welcome["id"],
        "description": OFFER,
    }
    await pat.send_json_to({"type": "signal", "to": quinn_welcome["id"], "candidate": CANDIDATE})
    got = await receive(quinn, "signal")
    assert got == {"type": "signal", "from": pat_welcome["id"], "candidate": CANDIDATE}
    await pat.send_json_to({"type": "signal", "to": quinn_welcome["id"], "candidate": None})
    assert (await receive(quinn, "signal"))["candidate"] is None
    # Then one for Rudy: the first signal Rudy gets, so none of those for Quinn reached him.
    await pat.send_json_to({"type": "signal", "to": rudy_welcome["id"], "candidate": None})
    *before, first = await up_to(rudy, lambda message: message["type"] == "signal")
    assert first == {"type": "signal", "from": pat_welcome["id"], "candidate": None}
    assert types(before) <= {"roster"}
    for communicator in (pat, quinn, rudy):
        await communicator.disconnect()


async def test_a_member_of_another_room_cannot_reach_a_peer_of_this_one(alice, bobs_room):
    alices_open_room = await database_sync_to_async(Room.create)(alice, name="Open", locked=False)
    pat, _ = await join(bobs_room, "Pat")
    mallory, _ = await join(alices_open_room, "Mallory")
    await roster_of(pat, ["Pat"])
    await roster_of(mallory, ["Mallory"])
    pat_id = (await database_sync_to_async(Presence.objects.get)(display_name="Pat")).peer_id
    await mallory.send_json_to({"type": "signal", "to": pat_id, "description": OFFER})
    await mallory.send_json_to({"type": "signal", "to": "x" * 22, "candidate": None})
    # Each socket handles its messages in order: once Mallory's next is told, both signals
    # were handled, and anything they sent is ahead of what Pat and Mallory are told next.
    changed = {"type": "state", "audio": True, "video": False, "screen": None}
    await mallory.send_json_to(changed)
    told = await up_to(mallory, lambda message: message.get("peers", [{}])[0].get("audio"))
    assert types(told) == {"roster"}  # Unknown ids are dropped the same way: not an error.
    await pat.send_json_to(changed)
    told = await up_to(pat, lambda message: message.get("peers", [{}])[0].get("audio"))
    assert types(told) == {"roster"}  # Dropped: not even an error to learn from.
    await pat.disconnect()
    await mallory.disconnect()


async def test_a_removed_member_reaches_nobody(alice, bobs_room):
    pat, pat_welcome = await join(bobs_room, "Pat")
    quinn_client = await browser(bobs_room, name="Quinn")
    quinn = await listen(meeting_path(bobs_room), quinn_client)
    await roster_of(pat, ["Pat", "Quinn"])
    quinn_row = await database_sync_to_async(Presence.objects.select_related("room").get)(
        display_name="Quinn"
    )
    await database_sync_to_async(quinn_row.remove)(by=Actor.account(bobs_room.owner))
    assert (await receive(quinn, "closed"))["reason"] == "removed"
    assert await close_code(quinn) == ENDED
    await quinn.disconnect()
    await roster_of(pat, ["Pat"])
    # Their browser opens the socket again: refused, so they cannot signal anyone.
    again, connected = await open_stream(meeting_path(bobs_room), quinn_client)
    assert connected
    assert await close_code(again) == REFUSED
    await again.disconnect()
    assert pat_welcome["id"]
    assert await rows() == ["Pat"]
    await pat.disconnect()


# Bounds: each closes the sender's socket with its code, and only that one


@pytest.mark.parametrize(
    "frame",
    [
        "{not json",
        "[]",
        '"signal"',
        json.dumps({"type": "room.deleted"}),
        json.dumps({"type": "welcome", "id": "me"}),
        json.dumps({"type": "signal", "to": "x" * 22}),
        json.dumps({"type": "signal", "to": "x" * 22, "description": OFFER, "candidate": None}),
        json.dumps({"type": "signal", "to": "../../other", "candidate": None}),
        json.dumps({"type": "signal", "to": "x" * 22, "from": "someone", "candidate": None}),
        json.dumps({"type": "signal", "to": "x" * 22, "description": {"type": "hack", "sdp": ""}}),
        json.dumps({"type": "signal", "to": "x" * 22, "candidate": {"candidate": 1}}),
        json.dumps({"type": "signal", "to": "x" * 22, "candidate": {"x": "y", "candidate": ""}}),
        json.dumps({"type": "state", "audio": True, "video": False}),
        json.dumps({"type": "state", "audio": 1, "video": False, "screen": None}),
        json.dumps({"type": "state", "audio": True, "video": False, "screen": "s" * 101}),
        json.dumps({"type": "state", "audio": True, "video": False, "screen": None, "name": "X"}),
    ],
)
async def test_a_message_the_protocol_does_not_know_closes_the_socket(bobs_room, frame):
    pat, _ = await join(bobs_room, "Pat")
    quinn, _ = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    await quinn.send_to(text_data=frame)
    assert await close_code(quinn) == BAD_MESSAGE
    await quinn.disconnect()
    await roster_of(pat, ["Pat"])  # Quinn left everyone's list; Pat's socket stays.
    assert await rows() == ["Pat"]
    await pat.disconnect()


async def test_a_binary_frame_closes_the_socket(bobs_room):
    pat, _ = await join(bobs_room, "Pat")
    await pat.send_to(bytes_data=b"\x00\xff")
    assert await close_code(pat) == BAD_MESSAGE
    await pat.disconnect()


async def test_a_frame_over_64_kib_closes_the_socket_and_one_at_the_limit_does_not(bobs_room):
    pat, _ = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    message = {"type": "signal", "to": quinn_welcome["id"], "description": {"type": "offer"}}
    padding = 64 * 1024 - len(json.dumps({**message, "description": {"type": "offer", "sdp": ""}}))
    message["description"]["sdp"] = "a" * padding
    await pat.send_to(text_data=json.dumps(message))
    assert len((await receive(quinn, "signal"))["description"]["sdp"]) == padding
    message["description"]["sdp"] += "é"
    await pat.send_to(text_data=json.dumps(message, ensure_ascii=False))
    assert await close_code(pat) == TOO_BIG
    await pat.disconnect()
    await quinn.disconnect()


async def test_a_flooding_sender_is_closed_after_the_burst(settings, bobs_room):
    # The limit is the socket's own. Through Redis on a busy machine the socket may take
    # messages barely faster than 50 a second, so a sender could not outrun it: in memory it can.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    pat, pat_welcome = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    rudy, _ = await join(bobs_room, "Rudy")
    signal = json.dumps({"type": "signal", "to": quinn_welcome["id"], "candidate": None})
    started = time.monotonic()
    for _ in range(1000):  # The burst is 200, then 50 a second: closed long before the last.
        await pat.send_to(text_data=signal)
    assert await close_code(pat) == TOO_FAST
    took = time.monotonic() - started
    await pat.disconnect()
    # Pat's socket relayed all it did before it closed: Rudy's signal comes after every one.
    await rudy.send_json_to({"type": "signal", "to": quinn_welcome["id"], "description": OFFER})
    *before, _ = await up_to(quinn, lambda message: message.get("description") == OFFER)
    relayed = sum(message.get("from") == pat_welcome["id"] for message in before)
    assert 200 <= relayed <= 200 + 50 * took + 1  # The burst, and what the rate refilled.
    await quinn.disconnect()
    await rudy.disconnect()


def test_the_rate_is_a_burst_of_200_then_50_a_second():
    bucket = Bucket()
    assert all(bucket.take() for _ in range(200))
    started = time.monotonic()
    assert not bucket.take()
    time.sleep(0.1)  # Five more messages' worth, or more on a loaded machine:
    refilled = 0
    while bucket.take():
        refilled += 1
    took = time.monotonic() - started  # what came in that time, less than one left over.
    assert 4 <= refilled <= 1 + 50 * took


async def test_a_steady_sender_under_the_rate_stays(bobs_room):
    pat, _ = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    signal = json.dumps({"type": "signal", "to": quinn_welcome["id"], "candidate": None})
    for _ in range(200):  # The whole burst at once,
        await pat.send_to(text_data=signal)
    for _ in range(200):  # (relayed, so none of it is still queued behind what follows)
        await receive(quinn, "signal")
    for _ in range(80):  # then 40 a second, under the rate, for two seconds.
        await pat.send_to(text_data=signal)
        await asyncio.sleep(0.025)
    for _ in range(80):  # Every one relayed,
        await receive(quinn, "signal")
    await pat.send_json_to({"type": "state", "audio": True, "video": False, "screen": None})
    assert (await roster_of(pat, ["Pat", "Quinn"]))[0]["audio"] is True  # and not closed.
    await pat.disconnect()
    await quinn.disconnect()


# Closing at once when the visit ends


def regenerate(room: Room) -> None:
    room = Room.objects.get(pk=room.pk)
    room.regenerate_links(by=room.owner)


async def test_new_links_close_everyones_meeting_with_links_but_move_the_owner(alice, alices_room):
    """Issue 12, bug 9: "Generate new links" threw the owner's own room tab out."""
    owner = await browser(alices_room, login=alice, host=True, name="Alice")
    hana, _ = await join(alices_room, "Hana", host=True)
    alice_socket = await listen(meeting_path(alices_room, alices_room.host_secret), owner)
    await database_sync_to_async(regenerate)(alices_room)
    assert (await receive(hana, "closed"))["reason"] == "links"
    assert await close_code(hana) == GONE
    room = await database_sync_to_async(Room.objects.get)(pk=alices_room.pk)
    moved = await receive(alice_socket, "moved")
    assert moved["url"] == room.room_path(room.host_secret)
    assert await close_code(alice_socket) == ENDED
    for communicator in (hana, alice_socket):
        await communicator.disconnect()
    assert await rows() == []
    again = await listen(meeting_path(room, room.host_secret), owner)  # Where the page goes.
    assert (await receive(again, "welcome"))["name"] == "Alice"
    await again.disconnect()


async def test_locking_the_room_keeps_the_people_inside(bobs_room):
    pat, _ = await join(bobs_room, "Pat")
    await roster_of(pat, ["Pat"])
    room = await database_sync_to_async(Room.objects.get)(pk=bobs_room.pk)
    await database_sync_to_async(room.set_locked)(True, by=Actor.account(bobs_room.owner))
    # The lock's hint is on Pat's channel before the roster this state brings, so the roster
    # comes only after the socket has handled the lock (without it, "closed" would come).
    await pat.send_json_to({"type": "state", "audio": True, "video": False, "screen": None})
    assert (await roster_of(pat, ["Pat"]))[0]["audio"] is True
    await pat.disconnect()


async def test_deleting_the_room_closes_the_meeting_with_deleted(bobs_room):
    pat, _ = await join(bobs_room, "Pat")
    await database_sync_to_async(lambda: Room.objects.get(pk=bobs_room.pk).delete())()
    assert (await receive(pat, "closed"))["reason"] == "deleted"
    assert await close_code(pat) == GONE
    await pat.disconnect()


async def test_logging_out_closes_that_browsers_meetings_only(alice, bobs_room, alices_room):
    owner = await browser(alices_room, login=alice, host=True, name="Alice")
    alice_socket = await listen(meeting_path(alices_room, alices_room.host_secret), owner)
    await receive(alice_socket, "welcome")
    pat, _ = await join(bobs_room, "Pat")
    await database_sync_to_async(owner.post)("/accounts/logout/")
    assert (await receive(alice_socket, "closed"))["reason"] == "logout"
    assert await close_code(alice_socket) == ENDED
    await alice_socket.disconnect()
    await roster_of(pat, ["Pat"])
    await pat.send_json_to({"type": "state", "audio": True, "video": True, "screen": None})
    assert (await roster_of(pat, ["Pat"]))[0]["video"] is True  # Pat's socket stays open.
    await pat.disconnect()
    assert await rows() == []


async def test_a_meeting_socket_idle_for_over_five_seconds_still_relays(bobs_room):
    # On Redis (REDIS_URL set), redis-py 8 drops idle connections unless socket_timeout is None.
    pat, _ = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    await roster_of(pat, ["Pat", "Quinn"])
    await asyncio.sleep(6)
    await pat.send_json_to({"type": "signal", "to": quinn_welcome["id"], "description": OFFER})
    assert (await receive(quinn, "signal"))["description"] == OFFER
    await pat.disconnect()
    await quinn.disconnect()


async def test_no_page_or_message_carries_anyones_session_key(alice, bobs_room):
    owner = await browser(bobs_room, login=bobs_room.owner, host=True, name="Bob")
    pat = await browser(bobs_room, name="Pat")
    pat_key = pat.cookies["sessionid"].value
    owner_list = await listen(f"/ws{bobs_room.host_path}room/", owner)
    pat_socket = await listen(meeting_path(bobs_room), pat)
    welcome = await receive(pat_socket, "welcome")
    roster = await roster_of(pat_socket, ["Pat"])
    listed = await until(owner_list, "Pat")  # A host's list, with the actions on Pat.
    page = await database_sync_to_async(owner.get)(f"{bobs_room.host_path}room/")
    for seen in (json.dumps(welcome), json.dumps(roster), listed, page.content.decode()):
        assert pat_key not in seen
    await pat_socket.disconnect()
    await owner_list.disconnect()


async def test_leave_closes_every_tab_of_that_browser_with_left(bobs_room):
    pat_client = await browser(bobs_room, name="Pat")
    first = await listen(meeting_path(bobs_room), pat_client)
    second = await listen(meeting_path(bobs_room), pat_client)
    quinn, _ = await join(bobs_room, "Quinn")
    await roster_of(quinn, ["Pat", "Pat", "Quinn"])
    await database_sync_to_async(pat_client.post)(f"{bobs_room.participant_path}leave/")
    for communicator in (first, second):
        assert (await receive(communicator, "closed"))["reason"] == "left"
        assert await close_code(communicator) == ENDED
        await communicator.disconnect()
    await roster_of(quinn, ["Quinn"])
    await quinn.disconnect()
