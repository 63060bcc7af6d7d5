"""Frames a client should never send: each closes that socket (4400) and nothing else.

The streams are push-only; whatever arrives (not JSON, a megabyte, binary, JSON of a kind no
one knows) ends the socket it came on, changes nothing stored, and another socket on the same
stream still gets the next push.
"""

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from rooms.consumers import PUSH_ONLY, TOO_BIG
from rooms.models import Actor, JoinRequest, Room
from tests import live
from tests.helpers import close_code, listen, until

pytestmark = pytest.mark.django_db(transaction=True)

FRAMES = {
    "not JSON": {"text": "{not json"},
    "1 MB of text": {"text": json.dumps({"kind": "x" * (1024 * 1024)})},
    "binary": {"bytes": b"\x00\xff\x80" * 1000},
    "unknown kind": {"text": json.dumps({"type": "room.deleted"})},
    "a forged decision": {"text": json.dumps({"type": "waiting.changed", "allow": 1})},
    "empty": {"text": ""},
}


@database_sync_to_async
def owner_browser(room: Room) -> Client:
    client = Client()
    client.force_login(room.owner)
    return client


@database_sync_to_async
def guest_browser(room: Room, name: str) -> Client:
    client = Client()
    client.post(f"{room.participant_path}join/", {"display_name": name})
    return client


def stored(room: Room) -> list[tuple[str, str]]:
    return list(JoinRequest.objects.filter(room=room).values_list("display_name", "status"))


@pytest.mark.parametrize("frame", sorted(FRAMES))
@pytest.mark.parametrize("stream", ["owner", "host", "guest"])
async def test_a_bad_frame_closes_only_its_own_socket(alice, alices_room, frame, stream):
    dana = await guest_browser(alices_room, "Dana")
    if stream == "guest":
        path, client, marker = (
            f"/ws/r/{alices_room.slug}/{alices_room.participant_secret}/guest/",
            dana,
            "Waiting for the host",
        )
    elif stream == "host":
        path, client, marker = (
            f"/ws/r/{alices_room.slug}/{alices_room.host_secret}/host/",
            await owner_browser(alices_room),
            "Dana",
        )
    else:
        path, client, marker = "/ws/owner/", await owner_browser(alices_room), "Dana"
    sender, bystander = await listen(path, client), await listen(path, client)
    await until(sender, marker)
    await until(bystander, marker)
    before = await database_sync_to_async(stored)(alices_room)

    await sender.send_input({"type": "websocket.receive", **FRAMES[frame]})
    assert await close_code(sender) == PUSH_ONLY
    await sender.disconnect()
    assert await database_sync_to_async(stored)(alices_room) == before

    # The next push still reaches the other socket on the same stream.
    if stream == "guest":
        request = await database_sync_to_async(JoinRequest.objects.get)(display_name="Dana")
        await database_sync_to_async(request.allow)(by=Actor.account(alice))
        await until(bystander, "data-enter-room")
    else:
        await guest_browser(alices_room, "Erin")
        await until(bystander, "Erin")
    await bystander.disconnect()


async def test_a_bad_frame_in_the_meeting_leaves_the_others_in_the_room(bobs_room):
    pat, quinn = await guest_browser(bobs_room, "Pat"), await guest_browser(bobs_room, "Quinn")
    link = f"/ws/r/{bobs_room.slug}/{bobs_room.participant_secret}"
    pat_stream = await listen(f"{link}/room/", pat)
    pat_meeting = await listen(f"{link}/meeting/", pat)
    await until(pat_stream, "Pat")
    quinn_meeting = await listen(f"{link}/meeting/", quinn)
    await until(pat_stream, "Quinn")
    await quinn_meeting.send_to(bytes_data=b"\x00" * (1024 * 1024))
    assert await close_code(quinn_meeting) == TOO_BIG
    await quinn_meeting.disconnect()
    # Quinn's socket is gone, so Quinn leaves Pat's list; Pat's own sockets stay open.
    left = await until(pat_stream, "Pat")
    while "Quinn" in left:
        left = await until(pat_stream, "Pat")
    rudy = await guest_browser(bobs_room, "Rudy")
    rudy_meeting = await listen(f"{link}/meeting/", rudy)
    assert "Rudy" in await until(pat_stream, "Rudy")
    await rudy_meeting.disconnect()
    await pat_meeting.disconnect()
    await pat_stream.disconnect()


# Through a real daphne process, whose own frame limit (1 MiB) comes before the consumer: over
# it, autobahn drops the TCP connection without a close frame (no code), which is daphne's way.


@pytest.mark.parametrize(
    ("frame", "code"), [("{not json", PUSH_ONLY), ("x" * (2 * 1024 * 1024), None)]
)
def test_a_bad_frame_on_a_real_server_closes_only_its_socket(
    transactional_db, alice, alices_room, frame, code
):
    server = live.LiveServer()
    try:
        owner = live.signed_in_owner(server, alice)
        with (
            live.open_stream(server, owner, "/ws/owner/") as sender,
            live.open_stream(server, owner, "/ws/owner/") as bystander,
        ):
            live.until(sender, 'id="owner-requests"')
            live.until(bystander, 'id="owner-requests"')
            sender.send(frame)
            assert live.closes(sender) == code
            live.ask(server, alices_room, "Dana")
            assert "1 guest waiting" in live.until(bystander, "Dana")
    finally:
        server.stop()
