"""Deny all: an owner or host turns away everyone waiting in one step (a flood of requests is
cleared without a click each), asked first in a dialog, logged once, and heard live by the
guests and the other watchers."""

import pytest
from channels.db import database_sync_to_async
from django.template.loader import render_to_string
from django.test import Client

from rooms.models import Activity, Actor, JoinRequest, Room
from tests.helpers import HTMX, ask, element, elements, listen, only_element, text, until
from tests.rooms.test_host_actions import FETCH, joined


def url(room: Room) -> str:
    return f"/rooms/{room.code}/requests/deny-all/"


def waiting(room: Room, *names: str) -> list[Client]:
    guests = []
    for n, name in enumerate(names):
        guest = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        ask(room, name, client=guest)
        guests.append(guest)
    return guests


@pytest.fixture
def owner(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def statuses(room: Room) -> dict[str, str]:
    return dict(room.join_requests.values_list("display_name", "status"))


def test_it_denies_everyone_waiting_and_logs_it_once(alices_room, owner):
    waiting(alices_room, "Dana", "Erin", "Finn")
    response = owner.post(url(alices_room), {"next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert statuses(alices_room) == {"Dana": "denied", "Erin": "denied", "Finn": "denied"}
    entry = Activity.objects.get(kind=Activity.Kind.DENIED_ALL)
    assert (entry.detail, entry.actor_name) == ("3 guests", "Alice")
    assert not Activity.objects.filter(kind=Activity.Kind.DENIED).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Denied everyone waiting for “Standup”: 3 guests."]


def test_it_leaves_decided_requests_and_other_rooms_alone(alice, alices_room, owner):
    waiting(alices_room, "Dana", "Erin")
    JoinRequest.objects.get(display_name="Dana").allow(by=Actor.account(alice))
    other = Room.create(alice, name="Retro", locked=True)
    ask(other, "Gus", client=Client(REMOTE_ADDR="198.51.100.3"))
    owner.post(url(alices_room))
    assert statuses(alices_room) == {"Dana": "allowed", "Erin": "denied"}
    assert statuses(other) == {"Gus": "pending"}


def test_those_who_left_are_denied_too(alices_room, owner):
    waiting(alices_room, "Dana")
    JoinRequest.objects.update(seen_at="2000-01-01T00:00:00Z")
    owner.post(url(alices_room))
    assert statuses(alices_room) == {"Dana": "denied"}


def test_denied_guests_are_told_and_may_ask_again(alices_room, owner):
    (dana,) = waiting(alices_room, "Dana")
    owner.post(url(alices_room))
    page = dana.get(alices_room.participant_path).content.decode()
    assert "Ask again" in page


def test_with_nobody_waiting_it_changes_nothing(alices_room, owner):
    assert owner.post(url(alices_room)).status_code == 302
    assert not Activity.objects.filter(kind=Activity.Kind.DENIED_ALL).exists()


def test_it_asks_first_in_a_dialog_of_its_own(alices_room, owner):
    waiting(alices_room, "Dana", "Erin")
    page = owner.get(url(alices_room), HTTP_REFERER="http://testserver/rooms/").content.decode()
    form = element(page, "form", method="post", action=url(alices_room))
    assert text(element(form, "button", type="submit")) == "Deny all"
    assert element(form, "input", type="hidden", name="next", value="http://testserver/rooms/")
    assert "2 requests are turned away at once" in text(form)
    assert element(form, "a", href="http://testserver/rooms/", data_dialog_close=None)
    dialog = owner.get(url(alices_room), **HTMX).content.decode()
    assert element(only_element(dialog), "form", class_="dialog-body")
    assert "topbar" not in dialog
    assert statuses(alices_room) == {"Dana": "pending", "Erin": "pending"}


def test_it_goes_back_only_within_the_site(alices_room, owner):
    page = owner.get(url(alices_room), HTTP_REFERER="https://evil.example/").content.decode()
    back = alices_room.host_room_path
    assert element(page, "input", type="hidden", name="next", value=back)
    response = owner.post(url(alices_room), {"next": "https://evil.example/"})
    assert response.url == back


def test_a_host_denies_all_from_the_room_by_their_name(alices_room):
    waiting(alices_room, "Dana", "Erin")
    hana = joined(alices_room, "Hana", host=True)
    assert hana.post(url(alices_room), **FETCH).status_code == 204  # The room page's dialog.
    assert statuses(alices_room) == {"Dana": "denied", "Erin": "denied"}
    assert Activity.objects.get(kind=Activity.Kind.DENIED_ALL).actor_name == "Hana"


def test_an_htmx_post_answers_the_area_it_came_from(alices_room, owner):
    waiting(alices_room, "Dana", "Erin")
    headers = {**HTMX, "HTTP_HX_TARGET": "host-panel"}
    html = owner.post(url(alices_room), **headers).content.decode()
    assert element(only_element(html), "section", id="host-panel")
    assert "Nobody is waiting." in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_a_stranger_and_the_anonymous_visitor(alices_room, charlie, method):
    waiting(alices_room, "Dana", "Erin")
    stranger = Client()
    stranger.force_login(charlie)
    for client in (stranger, Client()):
        assert getattr(client, method)(url(alices_room)).status_code == 404
    assert statuses(alices_room) == {"Dana": "pending", "Erin": "pending"}
    assert not Activity.objects.filter(kind=Activity.Kind.DENIED_ALL).exists()


def test_it_refuses_a_participant_inside_the_room(bob, bobs_room):
    pat = joined(bobs_room, "Pat")
    Room.objects.filter(pk=bobs_room.pk).update(locked=True)
    waiting(bobs_room, "Dana")
    assert pat.post(url(bobs_room)).status_code == 404
    assert statuses(bobs_room)["Dana"] == "pending"


def test_the_host_panel_and_the_owners_area_offer_it(alices_room, owner):
    waiting(alices_room, "Dana", "Erin")
    page = owner.get(f"/rooms/{alices_room.code}/join/", follow=True).content.decode()
    panel = element(page, "section", id="host-panel")
    # meeting.js opens it in the room's dialog (data-dialog); without JavaScript, a page.
    (link,) = elements(panel, "a", href=url(alices_room), data_dialog=None)
    assert text(link) == "Deny all"
    area = render_to_string(
        "rooms/notifications.html#owner-requests",
        JoinRequest.objects.owner_list(alices_room.owner),
    )
    assert elements(area, "a", href=url(alices_room), aria_label="Deny all waiting for Standup")


@pytest.mark.django_db(transaction=True)
async def test_the_guests_and_the_other_watchers_see_it_at_once(alice, alices_room):
    dana, _ = await database_sync_to_async(waiting)(alices_room, "Dana", "Erin")
    owner = Client()
    await database_sync_to_async(owner.force_login)(alice)
    hana = await database_sync_to_async(joined)(alices_room, "Hana", host=True)
    guest_stream = await listen(f"/ws{alices_room.participant_path}guest/", dana)
    host_stream = await listen(f"/ws{alices_room.host_path}host/", hana)
    owner_stream = await listen("/ws/owner/", owner)
    await until(host_stream, "Erin")
    await until(owner_stream, "Erin")
    response = await database_sync_to_async(owner.post)(url(alices_room))
    assert response.status_code == 302
    assert "Ask again" in await until(guest_stream, "Ask again")
    assert "Nobody is waiting." in await until(host_stream, "Nobody is waiting.")
    snapshot = await until(owner_stream, 'id="owner-requests"')
    while "Erin" in snapshot:
        snapshot = await until(owner_stream, 'id="owner-requests"')
    for stream in (guest_stream, host_stream, owner_stream):
        await stream.disconnect()
