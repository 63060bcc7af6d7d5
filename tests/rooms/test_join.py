"""Joining: the lobby's form and states, the host link, the owner's Join, the room page, Leave."""

import pytest
from django.utils import timezone

from rooms.models import Actor, JoinRequest, Room
from tests.helpers import HTMX, assert_in_html, element, only_element


def join(client, room: Room, secret: str, name: str = "Dana", **headers):
    return client.post(f"/r/{room.slug}/{secret}/join/", {"display_name": name}, **headers)


def room_url(room: Room, secret: str) -> str:
    return f"/r/{room.slug}/{secret}/room/"


def test_an_unlocked_lobby_offers_join_room(client, bobs_room):
    html = client.get(bobs_room.participant_path).content.decode()
    assert "Display name" in html
    assert "Join room" in html
    assert "Ask to join" not in html


def test_a_locked_lobby_offers_ask_to_join(client, alices_room):
    html = client.get(alices_room.participant_path).content.decode()
    assert "Ask to join" in html
    assert "Join room" not in html


def test_the_lobby_prefills_a_signed_in_users_name(client, charlie, alices_room):
    client.force_login(charlie)
    html = client.get(alices_room.participant_path).content.decode()
    assert 'value="Charlie"' in html


def test_the_host_link_offers_join_room_in_a_locked_room(client, alices_room):
    html = client.get(alices_room.host_path).content.decode()
    assert "Join room" in html
    assert "You are joining as a host." in html


def test_joining_an_unlocked_room_enters_at_once(client, bobs_room):
    response = join(client, bobs_room, bobs_room.participant_secret, "  Dana  ")
    assert response.status_code == 302
    assert response.url == room_url(bobs_room, bobs_room.participant_secret)
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["member"].name == "Dana"
    assert page.context["member"].is_host is False
    assert not JoinRequest.objects.exists()


def test_joining_with_htmx_navigates_with_hx_redirect(client, bobs_room):
    response = join(client, bobs_room, bobs_room.participant_secret, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == room_url(bobs_room, bobs_room.participant_secret)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("   ", "Enter the name others will see."),
        ("x" * 51, "50 characters or fewer"),
        ("Dana\u202eevil", "invisible text-direction characters"),
        ("\u200b\u200b", "no visible characters"),
        ("\u3164\u2800\uffa0", "no visible characters"),
        ("Da\x07na", "cannot contain control characters"),
    ],
)
def test_a_bad_name_is_refused_with_its_error(client, bobs_room, name, error):
    response = join(client, bobs_room, bobs_room.participant_secret, name)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert client.get(room_url(bobs_room, bobs_room.participant_secret)).status_code == 302


def test_a_bad_name_with_htmx_answers_the_join_state_only(client, bobs_room):
    response = join(client, bobs_room, bobs_room.participant_secret, "", **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert element(only_element(html), "section", id="join-state")
    assert "Enter the name others will see." in html


def test_a_participant_of_a_locked_room_asks_and_waits(client, alices_room):
    response = join(client, alices_room, alices_room.participant_secret)
    assert response.url == alices_room.participant_path
    request = JoinRequest.objects.get()
    assert (request.display_name, request.status) == ("Dana", "pending")
    html = client.get(alices_room.participant_path).content.decode()
    assert "Waiting for the host to let you in" in html
    assert f'ws-connect="/ws/r/standup/{alices_room.participant_secret}/guest/"' in html
    assert client.get(room_url(alices_room, alices_room.participant_secret)).status_code == 302


def test_the_host_link_skips_the_waiting_room(client, alices_room):
    client.get(alices_room.host_path)
    response = join(client, alices_room, alices_room.host_secret, "Hana")
    assert response.url == room_url(alices_room, alices_room.host_secret)
    page = client.get(response.url)
    assert page.context["member"].is_host is True
    assert "Host controls" in page.content.decode()
    assert not JoinRequest.objects.exists()


def test_a_participant_never_sees_host_controls(client, bobs_room):
    assert join(client, bobs_room, bobs_room.participant_secret).status_code == 302
    response = client.get(room_url(bobs_room, bobs_room.participant_secret))
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_html('<h1 id="room-title">Bob\'s office hours</h1>', html)  # the room page
    assert "Host controls" not in html
    assert bobs_room.host_secret not in html


def test_the_owner_joins_as_host_from_the_dashboard(client, alice, alices_room):
    before = alices_room.last_used_at
    client.force_login(alice)
    response = client.get(f"/rooms/{alices_room.code}/join/")
    assert response.url == room_url(alices_room, alices_room.host_secret)
    page = client.get(response.url)
    assert page.context["member"].name == "Alice"
    assert page.context["member"].is_host is True
    alices_room.refresh_from_db()
    assert alices_room.last_used_at > before


def test_owner_join_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert client.get(f"/rooms/{alices_room.code}/join/").status_code == 404


def test_owner_join_sends_the_anonymous_visitor_to_log_in(client, alices_room):
    response = client.get(f"/rooms/{alices_room.code}/join/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_room_page_sends_someone_not_let_in_back_to_the_lobby(client, alices_room):
    response = client.get(room_url(alices_room, alices_room.participant_secret))
    assert response.status_code == 302
    assert response.url == alices_room.participant_path


def test_the_room_page_of_a_wrong_secret_is_404(client, alices_room):
    assert client.get(room_url(alices_room, "A" * 43)).status_code == 404


def test_an_allowed_guest_coming_back_goes_straight_in(client, alice, alices_room):
    join(client, alices_room, alices_room.participant_secret)
    JoinRequest.objects.get().allow(by=Actor.account(alice))
    response = client.get(alices_room.participant_path)
    assert response.url == room_url(alices_room, alices_room.participant_secret)
    assert client.get(response.url).status_code == 200


def test_leave_ends_the_admission(client, alice, alices_room):
    join(client, alices_room, alices_room.participant_secret)
    JoinRequest.objects.get().allow(by=Actor.account(alice))
    response = client.post(f"/r/standup/{alices_room.participant_secret}/leave/")
    assert response.url == alices_room.participant_path
    assert client.get(room_url(alices_room, alices_room.participant_secret)).status_code == 302
    assert "Ask to join" in client.get(alices_room.participant_path).content.decode()


@pytest.mark.parametrize("action", ["join", "leave"])
def test_join_and_leave_reject_get(client, alices_room, action):
    response = client.get(f"/r/standup/{alices_room.participant_secret}/{action}/")
    assert response.status_code == 405


def test_joining_counts_as_using_the_room(client, bobs_room):
    Room.objects.filter(pk=bobs_room.pk).update(last_used_at=timezone.now().replace(year=2020))
    join(client, bobs_room, bobs_room.participant_secret)
    bobs_room.refresh_from_db()
    assert bobs_room.last_used_at.year > 2020
