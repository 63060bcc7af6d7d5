"""Queries per request of the pages guests and hosts load most: the lobby, Join and the room page.

Each count is exact, with the queries it is made of listed beside it: a new query (or a fact
worked out twice) fails here before it shows in a benchmark. SAVEPOINT and RELEASE count too.
"""

import pytest
from django.test import Client

from rooms.models import Actor, JoinRequest, Room

# A session made on this request: SELECT 1 (is the key free?), SAVEPOINT, INSERT, RELEASE.
NEW_SESSION = 4
# A changed session saved: SAVEPOINT, UPDATE, RELEASE.
SESSION_SAVED = 3
# A grant gives a stored session a new key: a free key looked for, the new row (SAVEPOINT,
# INSERT, RELEASE), the old one read and deleted, and the room rows naming it follow (Presence,
# RoomSocket).
SESSION_ROTATED = 8


def join(client: Client, room: Room, secret: str, name: str):
    return client.post(f"/r/{room.slug}/{secret}/join/", {"display_name": name})


def room_page(room: Room, secret: str) -> str:
    return f"/r/{room.slug}/{secret}/room/"


@pytest.fixture
def waiting_guest(alices_room) -> Client:
    guest = Client()
    assert join(guest, alices_room, alices_room.participant_secret, "Dana").status_code == 302
    return guest


@pytest.fixture
def host(alices_room) -> Client:
    host = Client()
    host.get(alices_room.host_path)
    assert join(host, alices_room, alices_room.host_secret, "Hana").status_code == 302
    return host


def test_the_lobby_costs_a_new_visitor_one_query(client, alices_room, django_assert_num_queries):
    with django_assert_num_queries(1):  # The room by its link.
        response = client.get(alices_room.participant_path)
    assert response.status_code == 200
    assert "Ask to join" in response.content.decode()


def test_the_lobby_reads_a_waiting_guests_request_once(
    alices_room, waiting_guest, django_assert_num_queries
):
    # Room, session, the guest's own request, then it is seen (a waiting page is open).
    with django_assert_num_queries(4):
        response = waiting_guest.get(alices_room.participant_path)
    assert response.status_code == 200
    assert response.context["join_request"].status == JoinRequest.Status.PENDING


def test_the_host_link_again_does_not_save_the_session(
    alices_room, host, django_assert_num_queries
):
    with django_assert_num_queries(2):  # Room, session; the host link is remembered already.
        response = host.get(alices_room.host_path)
    assert response.status_code == 200
    assert "You are joining as a host." in response.content.decode()


def test_joining_an_unlocked_room(client, bobs_room, django_assert_num_queries):
    # Room, its last-used time, then the new session that admits the guest.
    with django_assert_num_queries(2 + NEW_SESSION):
        response = join(client, bobs_room, bobs_room.participant_secret, "Dana")
    assert response.status_code == 302
    assert response.url == room_page(bobs_room, bobs_room.participant_secret)


def test_asking_to_join_a_locked_room(client, alices_room, django_assert_num_queries):
    # Room; JoinRequest.ask's transaction: SAVEPOINT, the room's privacy under a row lock,
    # expired requests deleted, the waiting count, this client's waiting count, the guest's
    # request looked up, then made (SAVEPOINT, INSERT, RELEASE), RELEASE; the new session
    # holding the guest id.
    with django_assert_num_queries(1 + (1 + 5 + 3 + 1) + NEW_SESSION):
        response = join(client, alices_room, alices_room.participant_secret, "Dana")
    assert response.status_code == 302
    assert response.url == alices_room.participant_path
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_joining_by_the_host_link(alices_room, django_assert_num_queries):
    host = Client()
    host.get(alices_room.host_path)
    # Room, session, the new key of a grant, the room's last-used time, the session saved with
    # the admission.
    with django_assert_num_queries(3 + SESSION_ROTATED + SESSION_SAVED):
        response = join(host, alices_room, alices_room.host_secret, "Hana")
    assert response.status_code == 302
    assert response.url == room_page(alices_room, alices_room.host_secret)


def test_the_room_page_for_a_guest_let_in_at_once(bobs_room, django_assert_num_queries):
    guest = Client()
    join(guest, bobs_room, bobs_room.participant_secret, "Dana")
    with django_assert_num_queries(3):  # Room, session, who is here.
        response = guest.get(room_page(bobs_room, bobs_room.participant_secret))
    assert response.status_code == 200
    assert response.context["member"].name == "Dana"


def test_the_room_page_for_an_allowed_guest(
    alice, alices_room, waiting_guest, django_assert_num_queries
):
    JoinRequest.objects.get().allow(by=Actor.account(alice))
    # Room, session, the guest's own request, who is here; the Allow taken up into the session,
    # a grant: its new key, then the session saved.
    with django_assert_num_queries(4 + SESSION_ROTATED + SESSION_SAVED):
        response = waiting_guest.get(room_page(alices_room, alices_room.participant_secret))
    assert response.status_code == 200
    assert response.context["member"].name == "Dana"
    with django_assert_num_queries(3):  # Room, session, who is here: in by the session now.
        waiting_guest.get(room_page(alices_room, alices_room.participant_secret))


def test_the_room_page_for_a_host(alices_room, host, waiting_guest, django_assert_num_queries):
    with django_assert_num_queries(4):  # Room, session, who is here, the waiting list.
        response = host.get(room_page(alices_room, alices_room.host_secret))
    assert response.status_code == 200
    assert response.context["member"].is_host is True
    assert [r.display_name for r in response.context["requests"]] == ["Dana"]


def test_allowing_a_guest_from_the_host_panel(
    alices_room, waiting_guest, host, django_assert_num_queries
):
    request = JoinRequest.objects.get(display_name="Dana")
    path = f"/rooms/{alices_room.code}/requests/{request.pk}/allow/"
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "host-panel"}
    # Room, session; the request; SAVEPOINT, the room's row held (before its requests, as a
    # delete holds them), the request held, UPDATE it, INSERT the log entry, the request
    # again, RELEASE; the host panel: who waits.
    with django_assert_num_queries(11):
        response = host.post(path, **headers)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.ALLOWED
