"""Hosts in the meeting: Mute, Remove from room, Send to waiting room, End meeting for all.

Each is its own URL for the owner or a host (everyone else gets 404), records Activity, and ends
what it says at once: the person's admission (their session and allowed request) and their
meeting socket, closed with the reason the page shows.
"""

import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.messages import get_messages
from django.test import Client

from rooms.consumers import ENDED
from rooms.models import Activity, Actor, JoinRequest, Presence, Room
from tests.helpers import HTMX, close_code, element, listen, only_element, text, until
from tests.rooms.test_meeting_consumer import meeting_path, receive, roster_of

FETCH = {"HTTP_SEC_FETCH_MODE": "cors"}  # What a browser's fetch() sends with a POST.


def joined(room: Room, name: str, *, host: bool = False, login=None) -> Client:
    """A browser let into the room through a link (asking, and a host allowing, if locked)."""
    client = Client()
    if login is not None:
        client.force_login(login)
    lobby = room.host_path if host else room.participant_path
    client.get(lobby)
    client.post(f"{lobby}join/", {"display_name": name})
    waiting = JoinRequest.objects.filter(room=room, display_name=name, status="pending").first()
    if waiting is not None:
        waiting.allow(by=Actor.account(room.owner))
    assert client.get(f"{lobby}room/").status_code == 200, name
    return client


def in_the_meeting(room: Room, client: Client, name: str) -> Presence:
    """The row an open meeting socket of this browser stores (tests/rooms/test_meeting_consumer
    opens real ones; these HTTP tests need only what is stored)."""
    user = client.session.get("_auth_user_id")
    return Presence.objects.create(
        room=room,
        channel_name=f"test-{name}",
        session_key=client.session.session_key,
        user_id=user,
        display_name=name,
        is_host=False,
    )


@pytest.fixture
def pat(alices_room) -> Client:
    return joined(alices_room, "Pat")


@pytest.fixture
def hana(alices_room) -> Client:
    return joined(alices_room, "Hana", host=True)


@pytest.fixture
def pats_row(alices_room, pat) -> Presence:
    return in_the_meeting(alices_room, pat, "Pat")


def act(client: Client, room: Room, row: Presence, action: str, **headers):
    return client.post(f"/rooms/{room.code}/people/{row.peer_id}/{action}/", **headers)


def logged(kind: str) -> list[tuple[str, str]]:
    return list(Activity.objects.filter(kind=kind).values_list("detail", "actor_name"))


def is_inside(client: Client, room: Room) -> bool:
    return client.get(f"{room.participant_path}room/").status_code == 200


# Mute


def test_a_host_mutes_someone_and_it_is_logged(alices_room, hana, pats_row):
    Presence.objects.filter(pk=pats_row.pk).update(audio=True, video=True)
    response = act(hana, alices_room, pats_row, "mute")
    assert response.status_code == 302
    assert response.url == alices_room.host_room_path
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Pat is muted."]
    pats_row.refresh_from_db()
    assert (pats_row.audio, pats_row.video) == (False, True)
    assert logged(Activity.Kind.MUTED) == [("Pat", "Hana")]


@pytest.mark.parametrize("headers", [HTMX, FETCH], ids=["htmx", "fetch"])
def test_htmx_and_fetch_get_no_content(alice, alices_room, pats_row, headers):
    owner = Client()
    owner.force_login(alice)
    response = act(owner, alices_room, pats_row, "mute", **headers)
    assert response.status_code == 204
    assert logged(Activity.Kind.MUTED) == [("Pat", "Alice")]


def test_muting_someone_gone_is_a_404(alices_room, hana, pats_row):
    pats_row.delete()
    assert act(hana, alices_room, pats_row, "mute").status_code == 404
    assert logged(Activity.Kind.MUTED) == []


def test_mute_rejects_get(alices_room, hana, pats_row):
    response = hana.get(f"/rooms/{alices_room.code}/people/{pats_row.peer_id}/mute/")
    assert response.status_code == 405


# Who may act: the owner and hosts of this room only


@pytest.mark.parametrize("action", ["mute", "remove", "send-to-waiting"])
def test_it_refuses_everyone_but_the_rooms_hosts(
    alices_room, bob, charlie, pat, pats_row, bobs_room, action
):
    quinn = joined(alices_room, "Quinn")  # In the room, not a host.
    signed_in_stranger, other_owner = Client(), Client()
    signed_in_stranger.force_login(charlie)
    other_owner.force_login(bob)
    bobs_host = joined(bobs_room, "Bea", host=True)  # Hosts another room.
    for client in (Client(), signed_in_stranger, other_owner, quinn, pat, bobs_host):
        assert act(client, alices_room, pats_row, action).status_code == 404
    assert Presence.objects.filter(pk=pats_row.pk, audio=False).exists()
    assert Activity.objects.exclude(kind__in=["created", "allowed"]).count() == 0
    assert is_inside(pat, alices_room)


def test_end_meeting_refuses_everyone_but_the_rooms_hosts(alices_room, charlie, pat, pats_row):
    stranger = Client()
    stranger.force_login(charlie)
    for client in (Client(), stranger, pat):
        assert client.get(f"/rooms/{alices_room.code}/end/").status_code == 404
        assert client.post(f"/rooms/{alices_room.code}/end/").status_code == 404
    assert Presence.objects.count() == 1
    assert is_inside(pat, alices_room)


# Remove from room


def test_remove_asks_first_in_a_dialog_of_its_own(alices_room, hana, pats_row):
    url = f"/rooms/{alices_room.code}/people/{pats_row.peer_id}/remove/"
    page = hana.get(url).content.decode()
    form = element(page, "form", method="post", action=url)
    assert text(element(form, "h2")) == "Remove Pat from the room?"
    assert text(element(form, "button", type="submit")) == "Remove from room"
    dialog = only_element(hana.get(url, **HTMX).content.decode())
    assert dialog.name == "form"
    assert Presence.objects.filter(pk=pats_row.pk).exists()  # Asking changed nothing.


def test_a_removed_guest_must_ask_again(alices_room, hana, pat, pats_row):
    response = act(hana, alices_room, pats_row, "remove")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Pat was removed from the room."
    ]
    assert not Presence.objects.filter(pk=pats_row.pk).exists()
    assert not is_inside(pat, alices_room)
    assert not JoinRequest.objects.filter(display_name="Pat").exists()
    assert "Ask to join" in pat.get(alices_room.participant_path).content.decode()
    assert logged(Activity.Kind.REMOVED) == [("Pat", "Hana")]


def test_removal_ends_every_tab_of_that_browser_but_nobody_elses(alices_room, hana, pat):
    first, second = in_the_meeting(alices_room, pat, "Pat"), in_the_meeting(alices_room, pat, "P2")
    quinn = joined(alices_room, "Quinn")
    quinns = in_the_meeting(alices_room, quinn, "Quinn")
    assert act(hana, alices_room, first, "remove", **HTMX).status_code == 204
    assert list(Presence.objects.all()) == [quinns]
    assert second.peer_id != first.peer_id
    assert is_inside(quinn, alices_room)


def test_a_removed_host_loses_the_host_links_rights(alice, alices_room, hana):
    owner = Client()
    owner.force_login(alice)
    hanas_row = in_the_meeting(alices_room, hana, "Hana")
    assert act(owner, alices_room, hanas_row, "remove").status_code == 302
    assert hana.get(f"/rooms/{alices_room.code}/end/").status_code == 404
    assert hana.get(f"{alices_room.host_path}room/").status_code == 302


def test_the_owner_cannot_be_removed_or_sent_to_the_waiting_room(alice, alices_room, hana):
    owner = joined(alices_room, "Alice", host=True, login=alice)
    owners_row = in_the_meeting(alices_room, owner, "Alice")
    for action in ("remove", "send-to-waiting"):
        response = act(hana, alices_room, owners_row, action, **FETCH)
        assert response.status_code == 409
        assert "owner" in response.content.decode()
        response = act(hana, alices_room, owners_row, action)
        assert response.url == alices_room.host_room_path
        assert "owner" in str(next(iter(get_messages(response.wsgi_request))))
    assert Presence.objects.filter(pk=owners_row.pk).exists()
    assert is_inside(owner, alices_room)
    assert logged(Activity.Kind.REMOVED) == logged(Activity.Kind.SENT_TO_WAITING) == []


# Send to waiting room


def test_someone_sent_to_the_waiting_room_waits_with_a_pending_request(
    alice, alices_room, hana, pat, pats_row
):
    assert act(hana, alices_room, pats_row, "send-to-waiting").status_code == 302
    assert not is_inside(pat, alices_room)
    request = JoinRequest.objects.get(display_name="Pat")
    assert request.status == JoinRequest.Status.PENDING
    assert "Waiting for the host" in pat.get(alices_room.participant_path).content.decode()
    assert logged(Activity.Kind.SENT_TO_WAITING) == [("Pat", "Hana")]
    assert request.allow(by=Actor.account(alice))  # Let in again, as any waiting guest.
    assert is_inside(pat, alices_room)


def test_a_host_sent_to_the_waiting_room_asks_like_a_guest(alice, alices_room, hana):
    owner = Client()
    owner.force_login(alice)
    act(owner, alices_room, in_the_meeting(alices_room, hana, "Hana"), "send-to-waiting")
    assert JoinRequest.objects.get(display_name="Hana").status == JoinRequest.Status.PENDING
    assert hana.get(f"/rooms/{alices_room.code}/end/").status_code == 404


def test_an_unlocked_room_has_no_waiting_room_to_send_to(bob, bobs_room):
    owner = Client()
    owner.force_login(bob)
    pat = joined(bobs_room, "Pat")
    row = in_the_meeting(bobs_room, pat, "Pat")
    response = act(owner, bobs_room, row, "send-to-waiting", **HTMX)
    assert response.status_code == 409
    assert "locked" in response.content.decode()
    response = act(owner, bobs_room, row, "send-to-waiting")
    assert response.status_code == 302
    assert "lock the room first" in str(next(iter(get_messages(response.wsgi_request))))
    assert is_inside(pat, bobs_room)
    assert logged(Activity.Kind.SENT_TO_WAITING) == []


# End meeting for all


def test_end_meeting_asks_first(alices_room, hana):
    url = f"/rooms/{alices_room.code}/end/"
    page = hana.get(url).content.decode()
    assert text(element(page, "button", type="submit")) == "End meeting for all"
    assert element(page, "form", method="post", action=url)


def test_ending_the_meeting_ends_everyones_visit(alice, alices_room, hana, pat, pats_row):
    quinn = joined(alices_room, "Quinn")
    in_the_meeting(alices_room, quinn, "Quinn")
    in_the_meeting(alices_room, hana, "Hana")
    response = hana.post(f"/rooms/{alices_room.code}/end/")
    assert response.status_code == 302
    assert Presence.objects.count() == 0
    assert not is_inside(pat, alices_room)
    assert not is_inside(quinn, alices_room)
    assert not JoinRequest.objects.filter(status=JoinRequest.Status.ALLOWED).exists()
    assert "Ask to join" in quinn.get(alices_room.participant_path).content.decode()
    assert logged(Activity.Kind.ENDED) == [("", "Hana")]
    activity = Client()
    activity.force_login(alice)
    page = activity.get(f"/rooms/{alices_room.code}/activity/").content.decode()
    assert "Meeting ended for all" in page


def test_the_activity_page_names_each_host_action(alice, alices_room, hana, pats_row):
    act(hana, alices_room, pats_row, "mute")
    act(hana, alices_room, pats_row, "remove")
    owner = Client()
    owner.force_login(alice)
    page = owner.get(f"/rooms/{alices_room.code}/activity/").content.decode()
    for label in ("Muted", "Removed from room"):
        item = next(i for i in page.split('<li class="activity-item')[1:] if label in i)
        assert "Pat" in item and "by Hana" in item


# The meeting sockets hear it at once


@pytest.mark.django_db(transaction=True)
async def test_each_action_reaches_the_persons_meeting_socket(alice, alices_room):
    pat = await database_sync_to_async(joined)(alices_room, "Pat")
    quinn = await database_sync_to_async(joined)(alices_room, "Quinn")
    hana = await database_sync_to_async(joined)(alices_room, "Hana", host=True)
    pat_socket = await listen(meeting_path(alices_room), pat)
    quinn_socket = await listen(meeting_path(alices_room), quinn)
    pat_id = (await receive(pat_socket, "welcome"))["id"]
    quinn_id = (await receive(quinn_socket, "welcome"))["id"]
    await roster_of(pat_socket, ["Pat", "Quinn"])
    await quinn_socket.send_json_to({"type": "state", "audio": True, "video": True, "screen": None})
    while not (await roster_of(pat_socket, ["Pat", "Quinn"]))[1]["audio"]:
        pass

    def post(path: str) -> int:
        return hana.post(f"/rooms/{alices_room.code}/{path}", **FETCH).status_code

    assert await database_sync_to_async(post)(f"people/{quinn_id}/mute/") == 204
    assert await receive(quinn_socket, "muted") == {"type": "muted", "by": "Hana"}
    while (await roster_of(pat_socket, ["Pat", "Quinn"]))[1]["audio"]:
        pass
    # Only they turn it on again: their page says so, and everyone sees it.
    await quinn_socket.send_json_to({"type": "state", "audio": True, "video": True, "screen": None})
    while not (await roster_of(pat_socket, ["Pat", "Quinn"]))[1]["audio"]:
        pass
    assert await database_sync_to_async(post)(f"people/{quinn_id}/send-to-waiting/") == 204
    assert (await receive(quinn_socket, "closed"))["reason"] == "waiting"
    assert await close_code(quinn_socket) == ENDED
    await roster_of(pat_socket, ["Pat"])
    assert await database_sync_to_async(post)("end/") == 204
    assert (await receive(pat_socket, "closed"))["reason"] == "ended"
    assert await close_code(pat_socket) == ENDED
    assert pat_id != quinn_id
    await pat_socket.disconnect()
    await quinn_socket.disconnect()


# The same actions as plain forms in "Who is here now", for hosts, without JavaScript


def test_a_host_sees_actions_for_each_other_person_but_not_the_owner_or_themselves(
    alice, alices_room, hana, pats_row, django_assert_num_queries
):
    owner = joined(alices_room, "Alice", host=True, login=alice)
    in_the_meeting(alices_room, owner, "Alice")
    in_the_meeting(alices_room, hana, "Hana")
    with django_assert_num_queries(4):  # Room, session, who is here, the waiting list.
        page = hana.get(f"{alices_room.host_path}room/").content.decode()
    people = element(page, "ul", id="presence-list")
    menus = [node for node in people.children if element(node, "span", class_="person-name")]
    menu_of = {text(element(item, "span", class_="person-name")): item for item in menus}
    assert set(menu_of) == {"Pat", "Alice", "Hana"}
    pats = element(menu_of["Pat"], "details")
    base = f"/rooms/{alices_room.code}/people/{pats_row.peer_id}"
    assert element(pats, "form", method="post", action=f"{base}/mute/")
    assert text(element(pats, "a", href=f"{base}/remove/")) == "Remove from room"
    assert element(pats, "form", method="post", action=f"{base}/send-to-waiting/")
    assert "<details" not in str(menu_of["Alice"]) and "<details" not in str(menu_of["Hana"])
    assert text(element(page, "a", href=f"/rooms/{alices_room.code}/end/")) == "End meeting for all"


def test_a_participant_sees_no_host_actions(alices_room, pat, pats_row):
    page = pat.get(f"{alices_room.participant_path}room/").content.decode()
    assert "<details" not in page
    assert f"/rooms/{alices_room.code}/end/" not in page


def test_an_unlocked_room_offers_no_waiting_room(bob, bobs_room):
    owner = joined(bobs_room, "Bob", host=True, login=bob)
    pat = joined(bobs_room, "Pat")
    in_the_meeting(bobs_room, pat, "Pat")
    page = owner.get(f"{bobs_room.host_path}room/").content.decode()
    assert "Remove from room" in page
    assert "Send to waiting room" not in page


def test_the_page_gives_the_client_its_meeting_configuration(alices_room, hana, pat):
    page = hana.get(f"{alices_room.host_path}room/")
    script = element(page.content.decode(), "script", id="meeting", type="application/json")
    config = json.loads(text(script))
    assert config["stream"] == f"/ws{alices_room.host_path}meeting/"
    assert config["stream"] == page.context["meeting_stream"]
    assert config["is_host"] is True
    assert config["mute"] == f"/rooms/{alices_room.code}/people/PEER/mute/"
    assert config["end"] == f"/rooms/{alices_room.code}/end/"
    guest_config = pat.get(f"{alices_room.participant_path}room/").context["meeting"]
    assert guest_config["is_host"] is False
    assert guest_config["mute"] is guest_config["end"] is None
    assert guest_config["lobby"] == alices_room.participant_path


@pytest.mark.django_db(transaction=True)
async def test_the_pushed_list_gives_a_host_the_actions_with_their_csrf_token(alices_room):
    hana = await database_sync_to_async(joined)(alices_room, "Hana", host=True)
    pat = await database_sync_to_async(joined)(alices_room, "Pat")
    hanas_list = await listen(f"/ws{alices_room.host_path}room/", hana)
    pat_socket = await listen(meeting_path(alices_room), pat)
    pat_id = (await receive(pat_socket, "welcome"))["id"]
    pushed = await until(hanas_list, "Pat")
    form = element(pushed, "form", action=f"/rooms/{alices_room.code}/people/{pat_id}/mute/")
    token = element(form, "input", name="csrfmiddlewaretoken")
    assert dict(token.attributes)["value"]
    await pat_socket.disconnect()
    await hanas_list.disconnect()
