"""What owners and guests expect of the waiting room (issue 12): how long each guest has waited,
a guest taking back their own request, and a returning guest's name filled in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rooms.models import Actor, JoinRequest
from rooms.templatetags.times import waited_for
from tests.helpers import ask


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "just now"), (59, "just now"), (60, "1 min"), (3599, "59 min"), (3900, "1 h 5 min")],
)
def test_how_long_a_guest_has_waited_is_said_shortly(seconds, said):
    assert waited_for(seconds) == said


def test_the_host_list_says_how_long_each_guest_has_waited(client, alice, alices_room):
    ask(alices_room, "Dana")
    JoinRequest.objects.update(asked_at=timezone.now() - timedelta(minutes=7))
    ask(alices_room, "Erin")
    client.force_login(alice)
    html = client.get(alices_room.host_room_path).content.decode()
    assert ">7 min</time>" in html
    assert ">just now</time>" in html


def test_a_waiting_guest_cancels_their_own_request(alices_room):
    dana, erin = Client(), Client()
    ask(alices_room, "Dana", client=dana)
    ask(alices_room, "Erin", client=erin)

    response = dana.post(f"{alices_room.participant_path}cancel/")

    assert response.status_code == 302
    assert list(JoinRequest.objects.values_list("display_name", flat=True)) == ["Erin"]
    lobby = dana.get(alices_room.participant_path).content.decode()
    assert "You cancelled your request to join." in lobby
    assert "Ask to join" in lobby


def test_cancelling_touches_nobody_elses_request(alices_room):
    ask(alices_room, "Dana")
    stranger = Client()
    stranger.get(alices_room.participant_path)
    assert stranger.post(f"{alices_room.participant_path}cancel/").status_code == 302
    assert JoinRequest.objects.count() == 1


def test_a_cancelled_allow_is_not_taken_back(alice, alices_room):
    """Decided meanwhile: cancel finds nothing pending and changes nothing."""
    dana = Client()
    ask(alices_room, "Dana", client=dana)
    JoinRequest.objects.get().allow(by=Actor.account(alice))
    dana.post(f"{alices_room.participant_path}cancel/")
    assert JoinRequest.objects.get().status == JoinRequest.Status.ALLOWED


def test_a_returning_guest_finds_their_name_filled_in(bobs_room, alices_room):
    dana = Client()
    ask(bobs_room, "Dana Q.", client=dana)
    lobby = dana.get(alices_room.participant_path).content.decode()
    assert 'value="Dana Q."' in lobby
