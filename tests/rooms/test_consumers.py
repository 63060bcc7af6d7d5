"""The WebSocket streams: who may listen, the snapshot on connect, pushes after each change.

Run through the project's real ASGI application, so the Origin check and the session cookie
are the ones production uses; with REDIS_URL set the channels-redis layer carries the pushes.
"""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import Client

from rooms.consumers import GONE, PUSH_ONLY, REFUSED
from rooms.models import Actor, JoinRequest, Presence, Room
from tests.helpers import ORIGIN, PATIENCE, browser, close_code, element, listen, open_stream, until

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_refused(path: str, client: Client | None = None, origin: str = ORIGIN):
    communicator, connected = await open_stream(path, client, origin)
    if connected:  # Accepted, then closed with a code so the browser does not retry.
        assert await close_code(communicator) == REFUSED
    await communicator.disconnect()


def delete_room(pk: int) -> None:
    Room.objects.get(pk=pk).delete()  # As the dashboard's delete or the admin would.


def path(room: Room, stream: str, secret: str | None = None) -> str:
    return f"/ws/r/{room.slug}/{secret or room.participant_secret}/{stream}/"


# The owner stream


async def test_the_owner_gets_every_pending_request_on_connect_and_each_new_one(alice, alices_room):
    await browser(alices_room, name="Dana")
    owner = await browser(login=alice)
    communicator, connected = await open_stream("/ws/owner/", owner)
    assert connected
    snapshot = await until(communicator, 'id="owner-requests"')
    assert "Dana" in snapshot
    assert "1 guest waiting" in snapshot
    await browser(alices_room, name="Erin")
    pushed = await until(communicator, "Erin")
    assert "2 guests waiting" in pushed
    assert "Allow all" in pushed
    await communicator.disconnect()


async def test_the_owner_stream_updates_the_dashboard_badge(alice, alices_room):
    owner = await browser(login=alice)
    communicator, _ = await open_stream("/ws/owner/?tiles=1", owner)
    first = await until(communicator, 'id="waiting-counts"')
    assert str(alices_room.code) not in first  # Nobody waits: no count.
    await browser(alices_room, name="Dana")
    pushed = await until(communicator, "Dana")
    counts = element(pushed, "div", id="waiting-counts", hx_swap_oob="true")
    assert element(counts, "span", data_room=str(alices_room.code), data_count="1")
    await communicator.disconnect()


async def test_on_a_room_page_the_owner_stream_leaves_that_rooms_guests_to_its_panel(
    alice, alices_room
):
    other = await database_sync_to_async(Room.create)(alice, "Client call", locked=True)
    await browser(alices_room, name="Dana")
    await browser(other, name="Erin")
    owner = await browser(login=alice)
    communicator, _ = await open_stream(f"/ws/owner/?except={alices_room.code}", owner)
    snapshot = await until(communicator, 'id="owner-requests"')
    assert "Erin" in snapshot
    assert "Dana" not in snapshot  # In the host panel of the page this stream is on.
    assert "1 guest waiting" in snapshot
    await communicator.disconnect()


@pytest.mark.parametrize("query", ["except=nonsense", "except=", "tiles=2&except=1"])
async def test_a_bad_owner_stream_query_lists_every_room(alice, alices_room, query):
    await browser(alices_room, name="Dana")
    communicator, _ = await open_stream(f"/ws/owner/?{query}", await browser(login=alice))
    assert "Dana" in await until(communicator, 'id="owner-requests"')
    await communicator.disconnect()


async def test_a_stranger_sees_nothing_of_alices_requests(charlie, alices_room):
    await browser(alices_room, name="Dana")
    stranger = await browser(login=charlie)
    communicator, connected = await open_stream("/ws/owner/", stranger)
    assert connected
    snapshot = await until(communicator, 'id="owner-requests"')
    assert "Dana" not in snapshot
    await communicator.disconnect()


async def test_the_owner_stream_refuses_the_anonymous_visitor(db):
    await assert_refused("/ws/owner/")


async def test_every_stream_refuses_a_wrong_origin(alice, alices_room):
    owner = await browser(alices_room, login=alice, host=True)
    for stream in ("/ws/owner/", path(alices_room, "host", alices_room.host_secret)):
        communicator, connected = await open_stream(stream, owner, origin="https://evil.example")
        assert not connected
        await communicator.disconnect()
        communicator, connected = await open_stream(stream, owner)  # the same, from our origin
        assert connected
        await communicator.disconnect()


# The host stream


async def test_a_host_gets_the_waiting_list_on_connect_and_after_a_decision(alices_room):
    await browser(alices_room, name="Dana")
    host = await browser(alices_room, host=True, name="Hana")
    communicator, connected = await open_stream(
        path(alices_room, "host", alices_room.host_secret), host
    )
    assert connected
    snapshot = await until(communicator, 'id="host-panel"')
    assert "Dana" in snapshot
    request = await database_sync_to_async(JoinRequest.objects.get)()
    await database_sync_to_async(request.allow)(by=Actor(None, "Someone else"))
    assert "Nobody is waiting." in await until(communicator, "Nobody is waiting.")
    await communicator.disconnect()


async def test_the_host_stream_refuses_participant_stranger_and_anonymous(charlie, bobs_room):
    participant = await browser(bobs_room, name="Pat")  # Joined the unlocked room: inside.
    stranger = await browser(login=charlie)
    for client in (participant, stranger, None):
        await assert_refused(path(bobs_room, "host"), client)
        await assert_refused(path(bobs_room, "host", bobs_room.host_secret), client)


async def test_new_links_end_an_old_hosts_stream_but_not_the_owners(alice, alices_room):
    host = await browser(alices_room, host=True, name="Hana")
    owner = await browser(alices_room, login=alice, host=True, name="Alice")
    old_host_path = path(alices_room, "host", alices_room.host_secret)
    host_stream, _ = await open_stream(old_host_path, host)
    owner_stream, _ = await open_stream(old_host_path, owner)
    await until(host_stream, 'id="host-panel"')
    await until(owner_stream, 'id="host-panel"')

    def regenerate() -> Room:
        room = Room.objects.get(pk=alices_room.pk)
        room.set_new_secrets()
        room.save()
        return room

    room = await database_sync_to_async(regenerate)()
    assert "This link has changed" in await until(host_stream, "This link has changed")
    assert await close_code(host_stream) == GONE
    assert room.host_secret in await until(owner_stream, room.host_secret)
    await host_stream.disconnect()
    await owner_stream.disconnect()
    await assert_refused(path(room, "host", room.host_secret), host)


# The guest stream


async def test_a_guest_sees_their_request_and_is_sent_in_when_allowed(alice, alices_room):
    guest = await browser(alices_room, name="Dana")
    communicator, connected = await open_stream(path(alices_room, "guest"), guest)
    assert connected
    assert "Waiting for the host" in await until(communicator, 'id="join-state"')
    request = await database_sync_to_async(JoinRequest.objects.get)()
    await database_sync_to_async(request.allow)(by=Actor.account(alice))
    allowed = await until(communicator, "data-enter-room")
    assert f"/r/standup/{alices_room.participant_secret}/room/" in allowed
    await communicator.disconnect()


async def test_a_denied_guest_is_told_and_offered_ask_again(alice, alices_room):
    guest = await browser(alices_room, name="Dana")
    communicator, _ = await open_stream(path(alices_room, "guest"), guest)
    await until(communicator, "Waiting for the host")
    request = await database_sync_to_async(JoinRequest.objects.get)()
    await database_sync_to_async(request.deny)(by=Actor.account(alice))
    denied = await until(communicator, "The host declined your request.")
    assert "Ask again" in denied
    await communicator.disconnect()
    # The pushed form carries a working CSRF token of this browser (asking again is too soon).
    token = denied.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = guest.cookies
    response = await database_sync_to_async(strict.post)(
        f"/r/standup/{alices_room.participant_secret}/join/",
        {"display_name": "Dana", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 429


async def test_a_guest_hears_only_their_own_request(alice, alices_room):
    dana = await browser(alices_room, name="Dana")
    await browser(alices_room, name="Erin")
    communicator, _ = await open_stream(path(alices_room, "guest"), dana)
    snapshot = await until(communicator, 'id="join-state"')
    assert "Waiting for the host to let you in" in snapshot
    assert "Erin" not in snapshot
    await communicator.disconnect()


async def test_the_guest_stream_refuses_someone_without_a_request(charlie, alices_room):
    await assert_refused(path(alices_room, "guest"), await browser(login=charlie))
    await assert_refused(path(alices_room, "guest"))
    guest = await browser(alices_room, name="Dana")
    await assert_refused(f"/ws/r/standup/{'A' * 43}/guest/", guest)


async def test_deleting_the_room_tells_a_waiting_guest(alices_room):
    guest = await browser(alices_room, name="Dana")
    communicator, _ = await open_stream(path(alices_room, "guest"), guest)
    await until(communicator, "Waiting for the host")
    await database_sync_to_async(delete_room)(alices_room.pk)
    assert "This room has been deleted" in await until(communicator, "deleted")
    assert await close_code(communicator) == GONE
    await communicator.disconnect()


async def test_anything_a_client_sends_closes_the_socket(alice, alices_room):
    guest = await browser(alices_room, name="Dana")
    communicator, _ = await open_stream(path(alices_room, "guest"), guest)
    await until(communicator, 'id="join-state"')
    await communicator.send_to(text_data='{"status": "allowed"}')
    assert await close_code(communicator) == PUSH_ONLY
    await communicator.disconnect()
    assert await database_sync_to_async(JoinRequest.objects.get)() is not None
    assert (await database_sync_to_async(JoinRequest.objects.get)()).status == "pending"


async def test_a_stream_idle_for_over_five_seconds_still_gets_a_push(alice, alices_room):
    # redis-py 8 drops idle connections after a socket timeout unless it is None (settings).
    guest = await browser(alices_room, name="Dana")
    communicator, _ = await open_stream(path(alices_room, "guest"), guest)
    await until(communicator, "Waiting for the host")
    await asyncio.sleep(6)
    request = await database_sync_to_async(JoinRequest.objects.get)()
    await database_sync_to_async(request.allow)(by=Actor.account(alice))
    assert "data-enter-room" in await until(communicator, "data-enter-room")
    await communicator.disconnect()


@pytest.mark.skipif(not settings.REDIS_URL, reason="the in-memory layer has no connection pool")
async def test_hundreds_of_sockets_joining_their_groups_at_once_all_get_in():
    # redis-py 8's pool holds 100 connections and refuses the 101st at once (MaxConnectionsError,
    # a 500 to that socket): a burst of arrivals in one process needs more (REDIS_CONNECTIONS).
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(300)]
    await asyncio.gather(
        *(layer.group_add(f"burst-{n % 7}", name) for n, name in enumerate(channels))
    )
    await asyncio.gather(
        *(layer.group_discard(f"burst-{n % 7}", name) for n, name in enumerate(channels))
    )


# Presence in the room


async def test_presence_lists_who_is_here_as_people_arrive_and_leave(bobs_room):
    pat = await browser(bobs_room, name="Pat")
    quinn = await browser(bobs_room, name="Quinn")
    pat_stream, connected = await open_stream(path(bobs_room, "room"), pat)
    assert connected
    assert "Nobody yet." in await until(pat_stream, 'id="presence-list"')
    # The page's stream only shows the list; the meeting socket is the person's presence.
    assert await database_sync_to_async(Presence.objects.count)() == 0
    pat_meeting = await listen(path(bobs_room, "meeting"), pat)
    snapshot = await until(pat_stream, "Pat")
    assert "You" in snapshot
    quinn_meeting = await listen(path(bobs_room, "meeting"), quinn)
    assert "Quinn" in await until(pat_stream, "Quinn")
    assert await database_sync_to_async(Presence.objects.count)() == 2
    await quinn_meeting.disconnect()

    async def without_quinn() -> str:
        while "Quinn" in (message := await pat_stream.receive_from(timeout=PATIENCE)):
            pass
        return message

    assert "Pat" in await without_quinn()
    assert await database_sync_to_async(Presence.objects.count)() == 1
    await pat_meeting.disconnect()
    assert "Nobody yet." in await until(pat_stream, "Nobody yet.")
    assert await database_sync_to_async(Presence.objects.count)() == 0
    await pat_stream.disconnect()


async def test_presence_refuses_someone_not_let_in(charlie, alices_room):
    waiting = await browser(alices_room, name="Dana")
    await assert_refused(path(alices_room, "room"), waiting)
    await assert_refused(path(alices_room, "room"), await browser(login=charlie))
    await assert_refused(path(alices_room, "room"))
    assert await database_sync_to_async(Presence.objects.count)() == 0


async def test_deleting_the_room_tells_the_people_inside(bobs_room):
    pat = await browser(bobs_room, name="Pat")
    communicator, _ = await open_stream(path(bobs_room, "room"), pat)
    await until(communicator, 'id="presence-list"')
    await database_sync_to_async(delete_room)(bobs_room.pk)
    assert "This room has been deleted" in await until(communicator, "deleted")
    await communicator.disconnect()
