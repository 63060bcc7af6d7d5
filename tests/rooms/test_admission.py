"""Admission lasts for the visit: it ends once someone has been out of the room for
ADMISSION_GRACE, when the link it came by is replaced, on Leave and on removal; a reload, a
blip or an open room page keep it; locking throws nobody out but stops re-entering unasked.

Time away is made by ageing what the server stored (the session's admission, the room page's
socket rows, the Allow), as ADMISSION_GRACE seconds would.
"""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.utils import timezone

from rooms.access import ADMITTED_KEY
from rooms.consumers import REFUSED
from rooms.models import Actor, JoinRequest, Room, RoomSocket
from tests.helpers import ask, browser, close_code, listen, open_stream


def room_page(client: Client, room: Room, secret: str | None = None):
    return client.get(room.room_path(secret or room.participant_secret))


def away_for(client: Client, room: Room, seconds: float) -> None:
    """As if this browser's last sign of being in the room was `seconds` ago."""
    session = client.session
    entry = session[ADMITTED_KEY][str(room.code)]
    session[ADMITTED_KEY] = {str(room.code): {**entry, "at": entry["at"] - seconds}}
    session.save()
    past = timezone.now() - timedelta(seconds=seconds)
    RoomSocket.objects.filter(session_key=session.session_key).update(seen_at=past)


def lock(room: Room, owner) -> None:
    room.set_locked(True, by=Actor.account(owner))


def joined(room: Room, name: str = "Dana", secret: str | None = None) -> Client:
    client = Client()
    secret = secret or room.participant_secret
    client.get(f"/r/{room.slug}/{secret}/")
    response = client.post(f"/r/{room.slug}/{secret}/join/", {"display_name": name})
    assert response.status_code == 302, response
    assert room_page(client, room, secret).status_code == 200
    return client


def test_someone_back_within_the_grace_is_still_in(bob, bobs_room):
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    away_for(dana, bobs_room, settings.ADMISSION_GRACE - 10)
    assert room_page(dana, bobs_room).status_code == 200


def test_someone_away_past_the_grace_must_ask_once_the_room_is_locked(bob, bobs_room):
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    away_for(dana, bobs_room, settings.ADMISSION_GRACE + 10)

    response = room_page(dana, bobs_room)

    assert response.status_code == 302
    assert response.url == bobs_room.participant_path
    lobby = dana.get(bobs_room.participant_path).text
    assert "Ask to join" in lobby
    assert "Your visit to Bob&#x27;s office hours has ended: ask to join again." in lobby
    assert 'value="Dana"' in lobby  # The name she was in under.


def test_someone_away_past_the_grace_of_an_open_room_joins_again_without_asking(bobs_room):
    dana = joined(bobs_room)
    away_for(dana, bobs_room, settings.ADMISSION_GRACE + 10)
    assert room_page(dana, bobs_room).status_code == 302
    dana.post(f"{bobs_room.participant_path}join/", {"display_name": "Dana"})
    assert room_page(dana, bobs_room).status_code == 200


def test_a_reload_after_a_long_stay_keeps_the_visit(bob, bobs_room):
    """The room page's socket closed a moment ago (the reload): its row says she was in."""
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    RoomSocket.claim(bobs_room, "tab-1", dana.session.session_key, "127.0.0.1", member=True)
    away_for(dana, bobs_room, 3600)
    RoomSocket.release("tab-1", member=True)

    assert room_page(dana, bobs_room).status_code == 200


def test_a_lobby_socket_does_not_keep_an_admission(bob, bobs_room):
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    RoomSocket.claim(bobs_room, "lobby-1", dana.session.session_key, "127.0.0.1")
    away_for(dana, bobs_room, settings.ADMISSION_GRACE + 10)
    assert room_page(dana, bobs_room).status_code == 302


def test_new_links_end_an_admission_through_the_old_host_link(alice, alices_room):
    """The attack of issue 11: in by the host link, then the new participant link."""
    dana = joined(alices_room, secret=alices_room.host_secret)
    alices_room.regenerate_links(by=alice)
    alices_room.refresh_from_db()

    response = room_page(dana, alices_room)

    assert response.status_code == 302
    assert "Ask to join" in dana.get(alices_room.participant_path).text


def test_new_links_end_an_admission_through_the_old_participant_link(bob, bobs_room):
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    bobs_room.regenerate_links(by=bob)
    bobs_room.refresh_from_db()
    assert room_page(dana, bobs_room).status_code == 302


def test_an_allow_not_taken_up_within_the_grace_lapses(alice, alices_room):
    dana = Client()
    ask(alices_room, client=dana)
    join_request = JoinRequest.objects.get()
    join_request.allow(by=Actor.account(alice))
    past = timezone.now() - timedelta(seconds=settings.ADMISSION_GRACE + 10)
    JoinRequest.objects.filter(pk=join_request.pk).update(decided_at=past)

    assert room_page(dana, alices_room).status_code == 302
    assert "Ask to join" in dana.get(alices_room.participant_path).text
    assert not JoinRequest.objects.exists()  # Lapsed: gone, nobody's list shows it.
    ask(alices_room, client=dana)
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_an_allow_taken_up_becomes_the_visit(alice, alices_room):
    dana = Client()
    ask(alices_room, client=dana)
    JoinRequest.objects.get().allow(by=Actor.account(alice))
    assert room_page(dana, alices_room).status_code == 200
    JoinRequest.objects.all().delete()  # The Allow is used up; the visit is the session's.
    assert room_page(dana, alices_room).status_code == 200


def test_an_admission_stored_before_visits_ended_counts_for_nothing(bob, bobs_room):
    dana = joined(bobs_room)
    lock(bobs_room, bob)
    session = dana.session
    session[ADMITTED_KEY] = {str(bobs_room.code): "Dana"}  # How it was stored until now.
    session.save()
    assert room_page(dana, bobs_room).status_code == 302


def test_the_owner_needs_no_admission(alice, alices_room):
    owner = Client()
    owner.force_login(alice)
    assert room_page(owner, alices_room, alices_room.host_secret).status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_an_open_room_page_keeps_someone_in_when_the_room_is_locked(bob, bobs_room):
    """Locking throws nobody out: her presence socket is open, however long she stays."""
    dana = await database_sync_to_async(joined)(bobs_room)
    stream = await listen(f"/ws{bobs_room.participant_path}room/", dana)
    await database_sync_to_async(lock)(bobs_room, bob)
    await database_sync_to_async(away_for)(dana, bobs_room, 3600)
    await database_sync_to_async(RoomSocket.objects.update)(seen_at=timezone.now())  # Beats.

    page = await database_sync_to_async(room_page)(dana, bobs_room)

    assert page.status_code == 200
    await stream.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_ended_admission_opens_no_room_socket(alice, alices_room):
    dana = await browser(alices_room, host=True)
    await database_sync_to_async(alices_room.regenerate_links)(by=alice)
    await database_sync_to_async(alices_room.refresh_from_db)()
    for stream in ("room", "meeting"):
        communicator, _ = await open_stream(f"/ws{alices_room.participant_path}{stream}/", dana)
        assert await close_code(communicator) == REFUSED
        await communicator.disconnect()
