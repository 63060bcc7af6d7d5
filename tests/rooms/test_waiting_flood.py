"""One client cannot fill a waiting room: a few requests per client (an IPv6 /64 is one), and a
request whose guest has had no waiting page open for a while counts as left (out of the counts
and the caps, listed as "left"), then expires."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rooms.models import OWNER_LIST_MAX, Actor, JoinRequest, Room
from tests.helpers import HTMX, ask, assert_in_html, elements, listen, text

MINE_WAITING = "requests from your address are already waiting for this room."


def ask_from(room: Room, address: str, name: str, client: Client | None = None, **headers):
    """A fresh browser (unless `client`) asking from `address`."""
    client = client or Client(REMOTE_ADDR=address)
    return ask(room, name, client=client, **headers)


def away(*names: str, seconds: int) -> None:
    """These guests' waiting pages have been closed for `seconds`."""
    then = timezone.now() - timedelta(seconds=seconds)
    JoinRequest.objects.filter(display_name__in=names).update(seen_at=then)


def test_one_address_has_at_most_a_few_requests_waiting(alices_room, settings):
    settings.WAITING_PER_CLIENT = 3
    codes = [ask_from(alices_room, "198.51.100.7", f"Bot {n}").status_code for n in range(3)]
    assert codes == [302] * 3
    response = ask_from(alices_room, "198.51.100.7", "Bot 3")
    assert response.status_code == 429
    assert_in_html(
        '<p class="field-error" role="alert">3 requests from your address are already waiting '
        "for this room. Please wait until a host answers them, or sign in to ask as "
        "yourself.</p>",
        response.content.decode(),
    )
    assert 'value="Bot 3"' in response.content.decode()  # What they typed stays.
    assert JoinRequest.objects.count() == 3
    assert ask_from(alices_room, "203.0.113.9", "Dana").status_code == 302  # Someone else asks.


def test_an_htmx_ask_past_the_cap_gets_the_lobby_card_with_a_429(alices_room, settings):
    settings.WAITING_PER_CLIENT = 1
    ask_from(alices_room, "198.51.100.7", "Bot 0")
    response = ask_from(alices_room, "198.51.100.7", "Bot 1", **HTMX)
    assert response.status_code == 429
    html = response.content.decode()
    assert elements(html, "section", id="join-state")
    assert "topbar" not in html
    assert "HX-Retarget" not in response  # The lobby card says it, not a toast.
    assert MINE_WAITING in html


def test_an_ipv6_64_is_one_client(alices_room, settings):
    settings.WAITING_PER_CLIENT = 2
    assert ask_from(alices_room, "2001:db8:1:2::1", "Bot 1").status_code == 302
    assert ask_from(alices_room, "2001:db8:1:2:ffff::9", "Bot 2").status_code == 302
    assert ask_from(alices_room, "2001:db8:1:2:abcd:1:2:3", "Bot 3").status_code == 429
    assert ask_from(alices_room, "2001:db8:1:3::1", "Next door").status_code == 302


def test_asking_again_from_the_same_browser_is_not_refused(alices_room, settings):
    settings.WAITING_PER_CLIENT = 1
    dana = Client(REMOTE_ADDR="198.51.100.7")
    assert ask_from(alices_room, "", "Dana", dana).status_code == 302
    assert ask_from(alices_room, "", "Dana", dana).status_code == 302
    assert JoinRequest.objects.get().display_name == "Dana"


def test_signed_in_guests_count_by_account(alices_room, bob, charlie, settings):
    settings.WAITING_PER_CLIENT = 1
    ask_from(alices_room, "198.51.100.7", "Anonymous")
    for person in (bob, charlie):  # The same office address, each by their own account.
        client = Client(REMOTE_ADDR="198.51.100.7")
        client.force_login(person)
        assert ask_from(alices_room, "", person.display_name, client).status_code == 302
    assert ask_from(alices_room, "198.51.100.7", "Anonymous 2").status_code == 429


def test_a_decided_request_no_longer_counts_for_its_client(alice, alices_room, settings):
    settings.WAITING_PER_CLIENT = 1
    ask_from(alices_room, "198.51.100.7", "Dana")
    JoinRequest.objects.get().deny(by=Actor.account(alice))
    assert ask_from(alices_room, "198.51.100.7", "Erin").status_code == 302


def test_the_address_is_stored_only_as_a_pseudonym(alices_room):
    ask_from(alices_room, "198.51.100.7", "Dana")
    stored = JoinRequest.objects.get().client
    assert stored and "198.51" not in stored
    ask_from(alices_room, "198.51.100.7", "Erin")
    assert set(JoinRequest.objects.values_list("client", flat=True)) == {stored}


# Left: no waiting page open for WAITING_LEFT_AFTER


def test_a_guest_who_left_is_out_of_the_count_and_listed_as_left(client, alice, alices_room):
    for name in ("Dana", "Erin", "Finn"):
        ask_from(alices_room, "198.51.100.7", name)
    away("Erin", seconds=121)
    client.force_login(alice)
    tile = client.get("/").content.decode()
    assert "2 waiting</span>" in tile  # The dashboard's count.
    listed = alices_room.host_list()
    assert [r.display_name for r in listed["requests"]] == ["Dana", "Finn", "Erin"]  # Left last.
    assert listed["waiting_total"] == 2
    page = client.get(f"/rooms/{alices_room.code}/join/", follow=True).content.decode()
    (erin,) = elements(page, "li", data_guest_name="Erin")
    assert "request-left" in erin.attributes[0][1]
    assert "Left" in text(erin)
    assert_in_html('<span class="count">2</span>', page)
    (dana,) = elements(page, "li", data_guest_name="Dana")
    assert "Left" not in text(dana)


def test_the_owners_area_counts_only_those_still_waiting(client, alice, alices_room):
    for name in ("Dana", "Erin"):
        ask_from(alices_room, "198.51.100.7", name)
    away("Erin", seconds=121)
    listed = JoinRequest.objects.owner_list(alice)
    assert [(r.display_name, r.left) for r in listed["requests"]] == [
        ("Dana", False),
        ("Erin", True),
    ]
    assert listed["waiting_total"] == 1


def test_a_long_list_shows_those_waiting_first_and_counts_only_them(alice, alices_room):
    JoinRequest.objects.bulk_create(
        JoinRequest(room=alices_room, guest_id=f"g{n}", display_name=f"Gone {n:02}")
        for n in range(OWNER_LIST_MAX)
    )
    away(*[f"Gone {n:02}" for n in range(OWNER_LIST_MAX)], seconds=121)
    JoinRequest.objects.bulk_create(
        JoinRequest(room=alices_room, guest_id=f"h{n}", display_name=f"Here {n}") for n in range(3)
    )
    listed = alices_room.host_list()
    assert [r.display_name for r in listed["requests"][:3]] == ["Here 0", "Here 1", "Here 2"]
    assert (listed["waiting_total"], listed["more_waiting"]) == (3, 0)


def test_guests_who_left_do_not_count_for_the_caps(alices_room, settings):
    settings.WAITING_PER_CLIENT = 2
    settings.WAITING_ROOM_CAP = 3
    for n in range(2):
        ask_from(alices_room, "198.51.100.7", f"Bot {n}")
    assert ask_from(alices_room, "198.51.100.7", "Bot 2").status_code == 429
    away("Bot 0", "Bot 1", seconds=121)
    assert ask_from(alices_room, "198.51.100.7", "Bot 2").status_code == 302
    assert ask_from(alices_room, "203.0.113.9", "Dana").status_code == 302
    assert ask_from(alices_room, "203.0.113.10", "Erin").status_code == 302
    assert ask_from(alices_room, "203.0.113.11", "Full").status_code == 503  # 3 still here.


def test_a_guest_who_comes_back_waits_again_as_before(alices_room):
    dana = Client()
    ask(alices_room, "Dana", client=dana)
    away("Dana", seconds=121)
    assert alices_room.host_list()["waiting_total"] == 0
    page = dana.get(alices_room.participant_path).content.decode()  # The lobby again.
    assert "Waiting for the host" in page
    assert alices_room.host_list()["waiting_total"] == 1


def test_an_expired_request_is_deleted_and_the_guest_asks_again(alices_room):
    dana = Client()
    ask(alices_room, "Dana", client=dana)
    away("Dana", seconds=3601)
    assert alices_room.host_list()["requests"] == []  # Not listed, even as left.
    page = dana.get(alices_room.participant_path).content.decode()
    assert "Ask to join" in page
    assert not JoinRequest.objects.exists()


def test_expired_requests_go_when_anyone_asks(alices_room):
    ask_from(alices_room, "198.51.100.7", "Old")
    away("Old", seconds=3601)
    ask_from(alices_room, "203.0.113.9", "Dana")
    assert list(JoinRequest.objects.values_list("display_name", flat=True)) == ["Dana"]


def test_decided_requests_do_not_expire(alice, alices_room):
    ask_from(alices_room, "198.51.100.7", "Dana")
    JoinRequest.objects.get().deny(by=Actor.account(alice))
    away("Dana", seconds=3601)
    ask_from(alices_room, "203.0.113.9", "Erin")
    assert JoinRequest.objects.filter(display_name="Dana", status="denied").exists()


@pytest.mark.django_db(transaction=True)
async def test_the_waiting_page_keeps_its_request_seen_and_closing_it_starts_the_clock(
    alices_room, settings
):
    from channels.db import database_sync_to_async

    settings.PRESENCE_HEARTBEAT = 1  # Beats come quickly; nothing below waits for a time.
    dana = Client()
    await database_sync_to_async(ask)(alices_room, "Dana", dana)
    await database_sync_to_async(away)("Dana", seconds=121)

    def seen_at():
        return JoinRequest.objects.get().seen_at

    stale = await database_sync_to_async(seen_at)()
    stream = await listen(f"/ws{alices_room.participant_path}guest/", dana)
    opened = await database_sync_to_async(seen_at)()
    assert opened > stale + timedelta(seconds=120)  # Back: seen on connect.
    assert (await database_sync_to_async(alices_room.host_list)())["waiting_total"] == 1

    async def beaten():
        while await database_sync_to_async(seen_at)() == opened:
            await stream.receive_nothing(timeout=0.2)

    await beaten()  # The heartbeat refreshes it while the page is open.
    before = await database_sync_to_async(seen_at)()
    await stream.disconnect()
    assert await database_sync_to_async(seen_at)() >= before  # Closed: "left" counts from now.
