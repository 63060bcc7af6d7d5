"""What one account may own and how fast it makes rooms: ROOMS_PER_OWNER, STORAGE_PER_OWNER
and NEW_ROOM_LIMIT. A limit reached says so where the owner was (the New room form, the
Duplicate dialog, Customize), keeps what they typed and changes nothing."""

import io

import pytest
from PIL import Image

from rooms.models import Activity, Room
from tests.helpers import HTMX, link_rows, stored_files, upload
from tests.rooms.images import give_images

pytestmark = pytest.mark.usefixtures("media")

ROOM_LIMIT = "You have 2 rooms, as many as one account may have."
STORAGE_LIMIT = "Your rooms may hold"


def new_room(client, name: str, **headers: str):
    return client.post("/rooms/new/", {"name": name, "theme": "forest", "locked": "0"}, **headers)


def duplicate(client, room: Room, name: str, **fields: str):
    return client.post(f"/rooms/{room.code}/duplicate/", {"name": name, **fields}, **HTMX)


def png(size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).save(buffer, "PNG")  # Noise: it does not compress away.
    return buffer.getvalue()


def images_stored_for(room: Room) -> int:
    return sum(getattr(room, field).size for field in ("background", "logo", "lobby_image"))


def test_a_new_room_past_the_room_limit_is_refused_and_keeps_the_form(
    client, alice, alices_room, settings
):
    settings.ROOMS_PER_OWNER = 2
    client.force_login(alice)
    assert new_room(client, "Second").status_code == 302
    for headers in ({}, HTMX):
        response = new_room(client, "Third <b>", **headers)
        assert response.status_code == 422
        html = response.content.decode()
        assert ROOM_LIMIT in html
        assert "Delete a room you no longer use to make a new one." in html
        assert 'value="Third &lt;b&gt;"' in html
        assert '<option value="forest" selected>' in html
        assert '<option value="0" selected>' in html
    assert Room.objects.filter(owner=alice).count() == 2
    assert Activity.objects.filter(kind=Activity.Kind.CREATED).count() == 2


def test_other_owners_rooms_do_not_count(client, bob, alices_room, settings):
    settings.ROOMS_PER_OWNER = 1
    client.force_login(bob)
    assert new_room(client, "Bob's first").status_code == 302


def test_a_duplicate_past_the_room_limit_is_refused_in_the_dialog(
    client, alice, alices_room, settings
):
    settings.ROOMS_PER_OWNER = 2
    Room.create(alice, name="Retro")
    client.force_login(alice)
    response = duplicate(client, alices_room, "Standup again", privacy="on")
    assert response.status_code == 422
    html = response.content.decode()
    assert ROOM_LIMIT in html
    assert 'value="Standup again"' in html
    assert html.count(" checked>") == 1  # Privacy, as posted.
    assert Room.objects.count() == 2


def test_a_duplicate_past_the_storage_limit_copies_nothing(
    client, alice, alices_room, media, settings
):
    give_images(alices_room)
    settings.STORAGE_PER_OWNER = images_stored_for(alices_room) + 10
    files = stored_files(media)
    client.force_login(alice)
    response = duplicate(client, alices_room, "Standup 2", theme_and_branding="on", lobby="on")
    assert response.status_code == 422
    html = response.content.decode()
    assert STORAGE_LIMIT in html
    assert "Leave out the settings with images, or remove images from other rooms." in html
    assert 'value="Standup 2"' in html
    assert Room.objects.count() == 1
    assert stored_files(media) == files
    # Without the images the copy fits.
    assert duplicate(client, alices_room, "Standup 2", privacy="on").status_code == 200
    assert Room.objects.count() == 2


def test_customize_past_the_storage_limit_saves_nothing_and_keeps_the_form(
    client, alice, alices_room, media, settings
):
    other = give_images(Room.create(alice, name="Retro"))
    settings.STORAGE_PER_OWNER = images_stored_for(other) + 1000
    files = stored_files(media)
    client.force_login(alice)
    data = {"theme": "sunset", "button_color": "", "lobby_layout": "simple", **link_rows()}
    data |= {"lobby_title": "Changed", "lobby_image": upload("big.png", png((200, 200)))}
    response = client.post(f"/rooms/{alices_room.code}/customize/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert STORAGE_LIMIT in html
    assert "Choose smaller images, or remove images from other rooms." in html
    assert 'value="Changed"' in html
    alices_room.refresh_from_db()
    assert (alices_room.theme, alices_room.lobby_title) == ("ocean", "")
    assert not alices_room.lobby_image
    assert stored_files(media) == files
    assert not Activity.objects.filter(kind=Activity.Kind.CUSTOMIZED).exists()


def test_a_replaced_image_counts_only_once(
    client, alice, alices_room, media, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    data = {"theme": "ocean", "button_color": "", "lobby_layout": "simple", **link_rows()}
    url = f"/rooms/{alices_room.code}/customize/"
    assert client.post(url, {**data, "logo": upload("a.png", png())}).status_code == 302
    alices_room.refresh_from_db()
    settings.STORAGE_PER_OWNER = alices_room.logo.size + 100
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "logo": upload("b.png", png())})
    assert response.status_code == 302
    # A removal always goes through, whatever is stored.
    settings.STORAGE_PER_OWNER = 1
    assert client.post(url, {**data, "remove_logo": "on"}).status_code == 302


def test_forty_duplicates_at_once_meet_a_429(client, alice, alices_room):
    client.force_login(alice)
    answers = [duplicate(client, alices_room, f"Copy {n}") for n in range(40)]
    assert [answer.status_code for answer in answers[:10]] == [200] * 10
    refused = answers[10:]
    assert {answer.status_code for answer in refused} == {429}
    assert "You made many rooms in a short time." in refused[0].content.decode()
    assert refused[0]["Retry-After"] == "60"
    assert refused[0]["HX-Retarget"] == "#toasts"  # The dialog keeps what was typed.
    assert Room.objects.count() == 11
    # Creating shares the budget.
    assert new_room(client, "One more", **HTMX).status_code == 429


def test_a_refused_new_room_spends_no_try(client, alice, settings):
    settings.NEW_ROOM_LIMIT = (2, 60)
    client.force_login(alice)
    for _ in range(5):
        assert new_room(client, " ").status_code == 422
    assert new_room(client, "Retro").status_code == 302
    assert new_room(client, "Review").status_code == 302
    assert new_room(client, "Third").status_code == 429


def test_the_limit_counts_per_account(client, alice, bob, settings):
    settings.NEW_ROOM_LIMIT = (1, 60)
    client.force_login(alice)
    assert new_room(client, "Retro").status_code == 302
    assert new_room(client, "Review").status_code == 429
    client.force_login(bob)
    assert new_room(client, "Bob's").status_code == 302
