"""A flood of "Ask to join" stops: per client address, and at a cap of waiting guests per room."""

from django.test import Client

from rooms.models import JoinRequest
from tests.helpers import ask


def test_fresh_guests_from_one_address_meet_a_429(alices_room, settings):
    settings.ASK_LIMIT = (3, 60)
    assert [ask(alices_room, f"Guest {n}").status_code for n in range(3)] == [302] * 3
    response = ask(alices_room, "One too many")
    assert response.status_code == 429
    assert "Too many requests to join" in response.content.decode()
    assert JoinRequest.objects.count() == 3


def test_a_full_waiting_room_says_so_and_stores_nothing_more(alices_room, settings):
    settings.WAITING_ROOM_CAP = 2
    for n in range(2):
        ask(alices_room, f"Guest {n}")
    response = ask(alices_room, "Third")
    assert response.status_code == 503
    assert "The waiting room is full right now." in response.content.decode()
    assert JoinRequest.objects.count() == 2


def test_a_guest_already_waiting_still_finds_their_request_when_the_room_is_full(
    alices_room, settings
):
    settings.WAITING_ROOM_CAP = 1
    dana = Client()
    assert ask(alices_room, "Dana", dana).status_code == 302
    assert ask(alices_room, "Dana", dana).status_code == 302
    assert JoinRequest.objects.get().display_name == "Dana"
