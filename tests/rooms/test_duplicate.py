import json

import pytest

from rooms.models import IMAGE_FIELDS, Activity, Room
from tests.helpers import HTMX, assert_in_html, elements
from tests.rooms.images import give_images

EVERYTHING = {"theme_and_branding": "on", "lobby": "on", "privacy": "on"}


@pytest.fixture
def dressed_room(alice, media) -> Room:
    room = Room.create(
        alice,
        name="Design review",
        theme="sunset",
        button_color="#112233",
        locked=False,
        lobby_title="Welcome",
        lobby_message="Grab a coffee.",
        lobby_layout="custom",
        lobby_links=[{"label": "Agenda", "url": "https://example.com/agenda"}],
    )
    return give_images(room)


def url(room):
    return f"/rooms/{room.code}/duplicate/"


def the_copy(room):
    return Room.objects.exclude(pk=room.pk).get()


def test_it_copies_everything_chosen_with_new_links(client, alice, dressed_room, media):
    client.force_login(alice)
    response = client.post(url(dressed_room), {"name": "Design review 2", **EVERYTHING})
    assert response.status_code == 302
    assert response.url == "/"
    copy = the_copy(dressed_room)
    assert copy.owner == alice
    assert copy.name == "Design review 2"
    assert copy.slug == "design-review-2"
    assert (copy.theme, copy.button_color, copy.locked) == ("sunset", "#112233", False)
    assert (copy.lobby_title, copy.lobby_message, copy.lobby_layout) == (
        "Welcome",
        "Grab a coffee.",
        "custom",
    )
    assert copy.lobby_links == dressed_room.lobby_links
    assert copy.participant_secret != dressed_room.participant_secret
    assert copy.host_secret != dressed_room.host_secret
    for field in IMAGE_FIELDS:
        original, copied = getattr(dressed_room, field), getattr(copy, field)
        assert copied.name != original.name
        assert (media / copied.name).read_bytes() == (media / original.name).read_bytes()


def test_deleting_the_original_leaves_the_copys_files(
    client, alice, dressed_room, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(url(dressed_room), {"name": "Copy", **EVERYTHING})
    copy = the_copy(dressed_room)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rooms/{dressed_room.code}/delete/")
    assert not (media / dressed_room.background.name).exists()
    for field in IMAGE_FIELDS:
        assert (media / getattr(copy, field).name).exists()


def test_unchecked_settings_are_left_at_their_defaults(client, alice, dressed_room, media):
    client.force_login(alice)
    client.post(url(dressed_room), {"name": "Bare"})
    copy = the_copy(dressed_room)
    assert (copy.theme, copy.button_color, copy.locked) == ("ocean", "", True)
    assert (copy.lobby_title, copy.lobby_message, copy.lobby_links) == ("", "", [])
    assert not copy.background and not copy.logo and not copy.lobby_image
    assert len(list(media.rglob("*.png"))) == 3  # Only the original's.


def test_privacy_alone_copies_the_lock_and_nothing_else(client, alice, dressed_room):
    client.force_login(alice)
    client.post(url(dressed_room), {"name": "Open", "privacy": "on"})
    copy = the_copy(dressed_room)
    assert copy.locked is False
    assert copy.theme == "ocean"


def test_it_records_the_copy(client, alice, dressed_room):
    client.force_login(alice)
    client.post(url(dressed_room), {"name": "Copy", **EVERYTHING})
    copy = the_copy(dressed_room)
    activity = Activity.objects.get(kind=Activity.Kind.DUPLICATED)
    assert (activity.room, activity.actor) == (copy, alice)
    assert activity.detail == "Copy of Design review"


def test_the_dialog_proposes_a_name_and_every_setting(client, alice, alices_room):
    client.force_login(alice)
    page = client.get(url(alices_room))
    partial = client.get(url(alices_room), **HTMX)
    assert "<!doctype html>" in page.content.decode()
    assert "<!doctype html>" not in partial.content.decode()
    for response in (page, partial):
        html = response.content.decode()
        assert 'value="Standup (copy)"' in html
        for label in ("Theme and branding", "Lobby", "Privacy"):
            assert_in_html(f'<span class="choice-label">{label}</span>', html)
        assert html.count(" checked>") == 3
        assert ">Duplicate room</button>" in html
    assert Room.objects.count() == 1


def test_the_proposed_name_fits_in_80_characters(client, alice):
    room = Room.create(alice, name="z" * 80)
    client.force_login(alice)
    html = client.get(url(room)).content.decode()
    assert 'value="' + "z" * 73 + ' (copy)"' in html


def test_htmx_swaps_in_the_list_with_the_new_tile(client, alice, alices_room):
    client.force_login(alice)
    response = client.post(url(alices_room), {"name": "Standup (copy)"}, **HTMX)
    copy = the_copy(alices_room)
    html = response.content.decode()
    assert elements(html, "section", id="room-list", aria_label="Rooms", hx_swap_oob="true")
    assert f'id="room-{copy.code}"' in html
    assert f'id="room-{alices_room.code}"' in html
    event = json.loads(response["HX-Trigger-After-Settle"])["dialog-done"]
    assert event == {"message": "Created “Standup (copy)”.", "focus": f"room-{copy.code}"}


def test_a_bad_name_is_shown_in_the_dialog_and_creates_nothing(client, alice, alices_room):
    client.force_login(alice)
    partial = client.post(url(alices_room), {"name": " ", **EVERYTHING}, **HTMX)
    page = client.post(url(alices_room), {"name": "x" * 81})
    assert partial.status_code == page.status_code == 422  # htmx swaps it into the dialog.
    assert "Give the room a name." in partial.content.decode()
    assert 'aria-invalid="true"' in partial.content.decode()
    assert "Keep the name to 80 characters or fewer." in page.content.decode()
    assert Room.objects.count() == 1


def test_html_in_the_name_is_shown_as_text(client, alice):
    room = Room.create(alice, name="<em>hi</em>")
    client.force_login(alice)
    html = client.get(url(room)).content.decode()
    assert "<em>hi</em>" not in html
    assert "&lt;em&gt;hi&lt;/em&gt; (copy)" in html


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert client.get(url(alices_room)).status_code == 404
    assert client.post(url(alices_room), {"name": "Mine"}).status_code == 404
    assert Room.objects.count() == 1


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    for response in (client.get(url(alices_room)), client.post(url(alices_room), {"name": "x"})):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert Room.objects.count() == 1


def test_it_rejects_other_methods(client, alice, alices_room):
    client.force_login(alice)
    assert client.put(url(alices_room)).status_code == 405
