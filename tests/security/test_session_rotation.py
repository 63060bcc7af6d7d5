"""Every grant gives the session a new key (issue 11, item 7): a session id planted in a browser
before someone opens the host link, joins, or takes up an Allow there is worth nothing after.
The room rows that name a session by its key follow the new one, so a host's removal still
reaches the admission (also after a log-in, which Django rotates itself)."""

from django.test import Client

from rooms.models import Actor, JoinRequest, Presence
from tests.conftest import PASSWORD
from tests.rooms.test_host_actions import act, in_the_meeting, is_inside, joined


def planted(room) -> tuple[Client, Client]:
    """Mallory's session (she asked to join, so it is stored) planted in the shared browser."""
    mallory = Client()
    mallory.post(f"{room.participant_path}join/", {"display_name": "Mallory"})
    shared = Client()
    shared.cookies["sessionid"] = mallory.cookies["sessionid"].value
    return mallory, shared


def test_opening_the_host_link_gives_a_planted_session_nothing(alices_room):
    mallory, shared = planted(alices_room)
    shared.get(alices_room.host_path)  # A co-host opens the host link in that browser.

    assert shared.cookies["sessionid"].value != mallory.cookies["sessionid"].value
    assert shared.get(alices_room.host_room_path).status_code == 302  # Not in yet, but hosts:
    assert "Join room" in shared.get(alices_room.participant_path).text
    assert "Ask to join" in mallory.get(alices_room.participant_path).text  # No host rights.
    privacy, unlock = f"/rooms/{alices_room.code}/host/privacy/", {"locked": "0"}
    assert mallory.post(privacy, unlock).status_code == 404
    assert shared.post(privacy, unlock).status_code != 404


def test_joining_gives_a_planted_session_nothing(bobs_room):
    mallory, shared = planted(bobs_room)
    shared.get(bobs_room.participant_path)
    shared.post(f"{bobs_room.participant_path}join/", {"display_name": "Dana"})

    assert is_inside(shared, bobs_room)
    assert not is_inside(mallory, bobs_room)


def test_taking_up_an_allow_gives_a_planted_session_nothing(alice, alices_room):
    mallory, shared = planted(alices_room)
    shared.post(f"{alices_room.participant_path}join/", {"display_name": "Dana"})
    JoinRequest.objects.get(display_name="Mallory").allow(by=Actor.account(alice))

    assert is_inside(shared, alices_room)  # The Allow is taken up in the shared browser...
    JoinRequest.objects.all().delete()
    assert is_inside(shared, alices_room)
    assert not is_inside(mallory, alices_room)  # ... and the planted id holds none of it.


def test_a_removal_reaches_an_admission_whose_key_changed_since(alice, alices_room, bobs_room):
    hana = joined(alices_room, "Hana", host=True)
    pat = joined(alices_room, "Pat")
    row = in_the_meeting(alices_room, pat, "Pat")
    pat.get(bobs_room.participant_path)
    pat.post(f"{bobs_room.participant_path}join/", {"display_name": "Pat"})  # A new key.

    row.refresh_from_db()
    assert row.session_key == pat.session.session_key
    assert act(hana, alices_room, row, "remove").status_code == 302
    assert not is_inside(pat, alices_room)
    assert is_inside(pat, bobs_room)


def test_a_removal_reaches_someone_who_logged_in_since(alice, alices_room, charlie):
    hana = joined(alices_room, "Hana", host=True)
    pat = joined(alices_room, "Pat")
    row = in_the_meeting(alices_room, pat, "Pat")
    old_key = pat.session.session_key
    response = pat.post("/accounts/login/", {"username": charlie.email, "password": PASSWORD})
    assert response.status_code == 302

    row.refresh_from_db()
    assert row.session_key == pat.session.session_key != old_key
    assert act(hana, alices_room, row, "remove").status_code == 302
    assert not is_inside(pat, alices_room)
    assert Presence.objects.count() == 0
