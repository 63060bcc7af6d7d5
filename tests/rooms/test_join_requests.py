"""The waiting room: asking, deciding (owner or host), Allow all, unlocking, and new links."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from rooms.models import OWNER_LIST_MAX, Activity, Actor, JoinRequest, Room
from tests.helpers import HTMX, ask, assert_in_html, element, only_element


def guest(room: Room, name: str) -> JoinRequest:
    """A separate browser asking to join; returns its stored request."""
    client = Client()
    ask(room, name, client=client)
    return JoinRequest.objects.get(room=room, display_name=name)


def host_client(room: Room, name: str = "Hana") -> Client:
    """An anonymous person who opened the host link and joined."""
    client = Client()
    client.get(room.host_path)
    client.post(f"/r/{room.slug}/{room.host_secret}/join/", {"display_name": name})
    return client


def decide(client: Client, room: Room, action: str, pk: int | None = None, **headers):
    path = f"/rooms/{room.code}/requests/allow-all/"
    if pk is not None:
        path = f"/rooms/{room.code}/requests/{pk}/{action}/"
    return client.post(path, **headers)


def test_asking_stores_a_pending_request(client, alices_room):
    ask(alices_room, client=client)
    request = JoinRequest.objects.get()
    assert (request.room, request.display_name, request.status) == (alices_room, "Dana", "pending")
    assert request.guest_id == client.session["guest_id"]


def test_asking_twice_makes_one_request(client, alices_room):
    ask(alices_room, client=client)
    ask(alices_room, client=client)
    assert JoinRequest.objects.count() == 1


def test_two_browsers_make_two_requests(alices_room):
    guest(alices_room, "Dana")
    guest(alices_room, "Erin")
    assert JoinRequest.objects.filter(room=alices_room).count() == 2


def test_asking_again_right_after_a_denial_is_refused_with_a_clear_message(
    client, alice, alices_room
):
    ask(alices_room, client=client)
    JoinRequest.objects.get().deny(by=Actor.account(alice))
    response = ask(alices_room, client=client)
    assert response.status_code == 429
    assert "seconds before asking again" in response.content.decode()
    assert JoinRequest.objects.get().status == "denied"


def test_asking_again_after_ten_seconds_waits_again(client, alice, alices_room):
    ask(alices_room, client=client)
    request = JoinRequest.objects.get()
    request.deny(by=Actor.account(alice))
    JoinRequest.objects.update(asked_at=timezone.now() - timedelta(seconds=11))
    response = ask(alices_room, "Dana again", client=client)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.display_name, request.decided_by) == (
        "pending",
        "Dana again",
        None,
    )


def test_the_owner_allows_a_guest(client, alice, alices_room):
    dana = Client()
    ask(alices_room, client=dana)
    request = JoinRequest.objects.get()
    client.force_login(alice)
    response = decide(client, alices_room, "allow", request.pk)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_by_name) == (
        "allowed",
        alice,
        "Alice",
    )
    activity = Activity.objects.get(kind=Activity.Kind.ALLOWED)
    assert (activity.actor_name, activity.detail) == ("Alice", "Dana")
    assert dana.get(f"/r/standup/{alices_room.participant_secret}/room/").status_code == 200


def test_the_owner_denies_a_guest_who_may_ask_again(client, alice, alices_room):
    dana = Client()
    ask(alices_room, client=dana)
    client.force_login(alice)
    decide(client, alices_room, "deny", JoinRequest.objects.get().pk)
    assert JoinRequest.objects.get().status == "denied"
    assert Activity.objects.filter(kind=Activity.Kind.DENIED, actor_name="Alice").exists()
    html = dana.get(alices_room.participant_path).content.decode()
    assert "The host declined your request." in html
    assert "Ask again" in html


def test_a_host_allows_and_denies_by_the_name_they_gave(alices_room):
    dana, erin = guest(alices_room, "Dana"), guest(alices_room, "Erin")
    hana = host_client(alices_room, "Hana")
    assert decide(hana, alices_room, "allow", dana.pk).status_code == 302
    assert decide(hana, alices_room, "deny", erin.pk).status_code == 302
    dana.refresh_from_db()
    erin.refresh_from_db()
    assert (dana.status, dana.decided_by, dana.decided_by_name) == ("allowed", None, "Hana")
    assert (erin.status, erin.decided_by_name) == ("denied", "Hana")


def test_the_owner_allows_all(client, alice, alices_room):
    for name in ("Dana", "Erin", "Finn"):
        guest(alices_room, name)
    client.force_login(alice)
    decide(client, alices_room, "allow-all")
    assert set(JoinRequest.objects.values_list("status", flat=True)) == {"allowed"}
    assert Activity.objects.filter(kind=Activity.Kind.ALLOWED).count() == 3


def test_a_host_allows_all(alices_room):
    for name in ("Dana", "Erin"):
        guest(alices_room, name)
    decide(host_client(alices_room), alices_room, "allow-all")
    assert set(JoinRequest.objects.values_list("status", flat=True)) == {"allowed"}


def test_allow_all_touches_only_this_room(client, alice, alices_room):
    other = Room.create(alice, name="Other", locked=True)
    guest(alices_room, "Dana")
    guest(other, "Erin")
    client.force_login(alice)
    decide(client, alices_room, "allow-all")
    assert JoinRequest.objects.get(display_name="Erin").status == "pending"


def test_a_decision_already_taken_stands(client, alice, alices_room):
    request = guest(alices_room, "Dana")
    assert request.deny(by=Actor.account(alice)) is True
    assert request.allow(by=Actor.account(alice)) is False
    request.refresh_from_db()
    assert request.status == "denied"
    assert Activity.objects.filter(kind=Activity.Kind.ALLOWED).count() == 0


@pytest.mark.parametrize("action", ["allow", "deny", "allow-all"])
def test_decisions_refuse_a_stranger(client, charlie, alices_room, action):
    request = guest(alices_room, "Dana")
    client.force_login(charlie)
    response = decide(client, alices_room, action, None if action == "allow-all" else request.pk)
    assert response.status_code == 404
    assert JoinRequest.objects.get().status == "pending"


@pytest.mark.parametrize("action", ["allow", "deny", "allow-all"])
def test_decisions_refuse_the_anonymous_visitor(client, alices_room, action):
    request = guest(alices_room, "Dana")
    response = decide(client, alices_room, action, None if action == "allow-all" else request.pk)
    assert response.status_code == 404
    assert JoinRequest.objects.get().status == "pending"


def test_decisions_refuse_a_participant_inside_the_room(alices_room, bob):
    request = guest(alices_room, "Dana")
    Room.objects.filter(pk=alices_room.pk).update(locked=False)
    participant = Client()
    participant.post(f"/r/standup/{alices_room.participant_secret}/join/", {"display_name": "Pat"})
    assert participant.get(f"/r/standup/{alices_room.participant_secret}/room/").status_code == 200
    assert decide(participant, alices_room, "allow", request.pk).status_code == 404
    assert decide(participant, alices_room, "allow-all").status_code == 404
    assert JoinRequest.objects.get().status == "pending"


def test_a_request_of_another_room_is_404(client, alice, alices_room, bobs_room):
    Room.objects.filter(pk=bobs_room.pk).update(locked=True)
    bobs_room.refresh_from_db()
    request = guest(bobs_room, "Dana")
    client.force_login(alice)
    assert decide(client, alices_room, "allow", request.pk).status_code == 404
    assert JoinRequest.objects.get().status == "pending"


@pytest.mark.parametrize("action", ["allow", "deny"])
def test_decisions_reject_get(client, alice, alices_room, action):
    request = guest(alices_room, "Dana")
    client.force_login(alice)
    response = client.get(f"/rooms/{alices_room.code}/requests/{request.pk}/{action}/")
    assert response.status_code == 405


def test_an_htmx_decision_from_the_notification_area_answers_that_area(client, alice, alices_room):
    dana, erin = guest(alices_room, "Dana"), guest(alices_room, "Erin")
    client.force_login(alice)
    response = decide(
        client,
        alices_room,
        "allow",
        dana.pk,
        **HTMX,
        HTTP_HX_TARGET="owner-requests",
    )
    html = response.content.decode()
    assert element(only_element(html), "section", id="owner-requests")
    assert "Erin" in html
    assert "Dana" not in html
    assert erin.status == "pending"


def test_an_htmx_decision_from_the_room_answers_the_host_panel(alices_room):
    dana = guest(alices_room, "Dana")
    hana = host_client(alices_room)
    response = decide(hana, alices_room, "deny", dana.pk, **HTMX, HTTP_HX_TARGET="host-panel")
    html = response.content.decode()
    assert element(only_element(html), "section", id="host-panel")
    assert "Nobody is waiting." in html


@pytest.mark.parametrize("action", ["allow", "deny", "allow-all"])
def test_a_host_who_is_not_the_owner_gets_the_host_panel_whatever_the_target(
    alices_room, bob, action
):
    """The owner's notification area lists the signed-in owner's rooms: a host by link,
    anonymous (once a 500) or signed in as someone else, gets the panel they can use."""
    dana = guest(alices_room, "Dana")
    hosts = [host_client(alices_room), host_client(alices_room, "Bob")]
    hosts[1].force_login(bob)
    hosts[1].get(alices_room.host_path)  # signed in, host by the link all the same
    for n, host in enumerate(hosts):
        pk = None if action == "allow-all" else dana.pk
        response = decide(host, alices_room, action, pk, **HTMX, HTTP_HX_TARGET="owner-requests")
        assert response.status_code == 200
        assert element(only_element(response.content.decode()), "section", id="host-panel")
        dana.refresh_from_db()
        assert dana.status == ("denied" if action == "deny" else "allowed")
        if n == 0:
            JoinRequest.objects.filter(pk=dana.pk).update(status="pending")


def privacy(client: Client, room: Room, locked: bool):
    return client.post(f"/rooms/{room.code}/host/privacy/", {"locked": "1" if locked else "0"})


def test_unlocking_admits_everyone_waiting(client, alice, alices_room):
    for name in ("Dana", "Erin"):
        guest(alices_room, name)
    client.force_login(alice)
    privacy(client, alices_room, locked=False)
    alices_room.refresh_from_db()
    assert alices_room.locked is False
    assert set(JoinRequest.objects.values_list("status", flat=True)) == {"allowed"}
    assert Activity.objects.get(kind=Activity.Kind.PRIVACY).detail == "Unlocked"


def test_a_host_locks_the_room_from_inside(alices_room):
    Room.objects.filter(pk=alices_room.pk).update(locked=False)
    privacy(host_client(alices_room, "Hana"), alices_room, locked=True)
    alices_room.refresh_from_db()
    assert alices_room.locked is True
    assert Activity.objects.get(kind=Activity.Kind.PRIVACY).actor_name == "Hana"


def test_privacy_refuses_a_stranger_and_a_participant(client, charlie, bobs_room):
    client.force_login(charlie)
    assert privacy(client, bobs_room, locked=True).status_code == 404
    participant = Client()
    participant.post(
        f"/r/{bobs_room.slug}/{bobs_room.participant_secret}/join/", {"display_name": "P"}
    )
    assert privacy(participant, bobs_room, locked=True).status_code == 404
    bobs_room.refresh_from_db()
    assert bobs_room.locked is False


def test_set_locked_to_the_same_state_changes_nothing(alice, alices_room):
    assert alices_room.set_locked(True, by=Actor.account(alice)) is False
    alices_room.refresh_from_db()
    assert alices_room.locked is True
    assert not Activity.objects.filter(kind=Activity.Kind.PRIVACY).exists()


def test_new_links_drop_host_rights_from_the_old_host_link(alices_room):
    request = guest(alices_room, "Dana")
    hana = host_client(alices_room)
    alices_room.set_new_secrets()
    alices_room.save()
    assert decide(hana, alices_room, "allow", request.pk).status_code == 404
    assert JoinRequest.objects.get().status == "pending"
    # Even the room page through the new participant link no longer makes them a host.
    hana.get(alices_room.participant_path)
    assert decide(hana, alices_room, "allow", request.pk).status_code == 404


def test_the_owner_keeps_deciding_after_new_links(client, alice, alices_room):
    request = guest(alices_room, "Dana")
    alices_room.set_new_secrets()
    alices_room.save()
    client.force_login(alice)
    assert decide(client, alices_room, "allow", request.pk).status_code == 302


POSTGRES = connection.vendor == "postgresql"


@pytest.mark.skipif(not POSTGRES, reason="real concurrent row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_hosts_deciding_at_once_give_one_outcome(alice):
    room = Room.create(alice, name="Busy", locked=True)
    outcomes: dict[str, bool] = {}
    for attempt in range(5):
        request = JoinRequest.objects.create(room=room, guest_id=f"g{attempt}", display_name="G")
        barrier = threading.Barrier(2)

        def decide_in_thread(
            action: str, request_pk: int = request.pk, barrier: threading.Barrier = barrier
        ) -> None:
            try:
                join_request = JoinRequest.objects.get(pk=request_pk)
                barrier.wait()
                outcomes[action] = getattr(join_request, action)(by=Actor(None, action))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=decide_in_thread, args=(a,)) for a in ("allow", "deny")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        request.refresh_from_db()
        assert sorted(outcomes.values()) == [False, True]
        winner = next(action for action, won in outcomes.items() if won)
        assert request.status == {"allow": "allowed", "deny": "denied"}[winner]
        assert request.decided_by_name == winner
        assert Activity.objects.filter(room=room, detail="G").count() == attempt + 1


def test_the_notification_area_lists_the_first_requests_and_counts_the_rest(
    client, alice, alices_room
):
    # A list of every guest, pushed on each ask, outgrew the 1 MiB WebSocket frame.
    JoinRequest.objects.bulk_create(
        JoinRequest(room=alices_room, guest_id=f"g{n}", display_name=f"Guest {n:02}")
        for n in range(OWNER_LIST_MAX + 2)
    )
    first = JoinRequest.objects.get(display_name="Guest 00")
    client.force_login(alice)
    headers = {**HTMX, "HTTP_HX_TARGET": "owner-requests"}
    html = decide(client, alices_room, "deny", first.pk, **headers).content.decode()
    assert html.count("data-request-id=") == OWNER_LIST_MAX
    assert f"{OWNER_LIST_MAX + 1} guests waiting" in html
    assert "and 1 more waiting." in html
    assert "Guest 01" in html
    assert f"Guest {OWNER_LIST_MAX + 1}" not in html


def test_the_host_panel_lists_the_first_requests_and_counts_the_rest(client, alice, alices_room):
    JoinRequest.objects.bulk_create(
        JoinRequest(room=alices_room, guest_id=f"g{n}", display_name=f"Guest {n:02}")
        for n in range(OWNER_LIST_MAX + 2)
    )
    first = JoinRequest.objects.get(display_name="Guest 00")
    client.force_login(alice)
    headers = {**HTMX, "HTTP_HX_TARGET": "host-panel"}
    html = decide(client, alices_room, "deny", first.pk, **headers).content.decode()
    assert html.count("data-request-id=") == OWNER_LIST_MAX
    assert_in_html(f'<span class="count">{OWNER_LIST_MAX + 1}</span>', html)
    assert "and 1 more waiting." in html
    assert f"Guest {OWNER_LIST_MAX + 1}" not in html
