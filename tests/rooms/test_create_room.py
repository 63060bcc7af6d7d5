from rooms.models import Activity, Room
from tests.helpers import HTMX, elements


def test_it_creates_a_locked_room_by_default(client, alice):
    client.force_login(alice)
    response = client.post(
        "/rooms/new/", {"name": "  Weekly standup ", "theme": "forest", "locked": "1"}
    )
    assert response.status_code == 302
    room = Room.objects.get()
    assert room.owner == alice
    assert room.name == "Weekly standup"
    assert room.theme == "forest"
    assert room.locked is True
    assert room.slug == "weekly-standup"
    assert Activity.objects.get().kind == Activity.Kind.CREATED


def test_it_creates_an_unlocked_room_when_asked(client, alice):
    client.force_login(alice)
    response = client.post("/rooms/new/", {"name": "Open house", "theme": "ocean", "locked": "0"})
    assert response.status_code == 302
    assert Room.objects.get().locked is False


def test_htmx_gets_the_form_back_and_the_new_list(client, alice):
    client.force_login(alice)
    response = client.post(
        "/rooms/new/", {"name": "Retro", "theme": "ocean", "locked": "1"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="new-room"' in html
    assert elements(html, "section", id="room-list", aria_label="Rooms", hx_swap_oob="true")
    assert "Retro" in html


def test_an_empty_name_shows_its_error_and_creates_nothing(client, alice):
    client.force_login(alice)
    response = client.post("/rooms/new/", {"name": "   ", "theme": "ocean", "locked": "1"})
    assert response.status_code == 422
    assert "Give the room a name." in response.content.decode()
    assert not Room.objects.exists()


def test_a_too_long_name_shows_its_error_in_place_with_htmx(client, alice):
    client.force_login(alice)
    response = client.post(
        "/rooms/new/", {"name": "x" * 81, "theme": "ocean", "locked": "1"}, **HTMX
    )
    html = response.content.decode()
    assert "Keep the name to 80 characters or fewer." in html
    assert 'value="' + "x" * 81 + '"' in html
    assert not Room.objects.exists()


def test_an_unknown_theme_is_refused(client, alice):
    client.force_login(alice)
    response = client.post("/rooms/new/", {"name": "Retro", "theme": "neon", "locked": "1"})
    assert response.status_code == 422
    assert not Room.objects.exists()


def test_it_takes_a_name_in_any_script(client, alice):
    client.force_login(alice)
    client.post("/rooms/new/", {"name": "会議室 Ω", "theme": "ocean", "locked": "1"})
    room = Room.objects.get()
    assert room.name == "会議室 Ω"
    assert room.slug == "room"


def test_it_refuses_the_anonymous_visitor(client, db):
    response = client.post("/rooms/new/", {"name": "Sneaky", "theme": "ocean", "locked": "1"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Room.objects.exists()


def test_it_rejects_get(client, alice):
    client.force_login(alice)
    assert client.get("/rooms/new/").status_code == 405


def test_it_refuses_a_post_without_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/rooms/new/", {"name": "Forged", "theme": "ocean", "locked": "1"})
    assert response.status_code == 403
    assert not Room.objects.exists()
