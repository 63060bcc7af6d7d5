from rooms.models import Activity, Room
from tests.helpers import HTMX, assert_in_html, element, elements, only_element, text


def rename(client, room, name, **extra):
    return client.post(f"/rooms/{room.code}/rename/", {"name": name}, **extra)


def test_it_renames_and_redirects_to_the_dashboard(client, alice, alices_room):
    client.force_login(alice)
    response = rename(client, alices_room, "  Daily standup  ")
    assert response.status_code == 302
    assert response.url == "/"
    alices_room.refresh_from_db()
    assert alices_room.name == "Daily standup"


def test_it_keeps_the_links(client, alice, alices_room):
    before = (alices_room.participant_url, alices_room.host_url)
    client.force_login(alice)
    rename(client, alices_room, "Something else entirely")
    alices_room.refresh_from_db()
    assert (alices_room.participant_url, alices_room.host_url) == before
    assert client.get(before[0]).status_code == 200


def test_it_records_the_old_and_new_name(client, alice, alices_room):
    client.force_login(alice)
    rename(client, alices_room, "Retro")
    activity = Activity.objects.filter(kind=Activity.Kind.RENAMED).get()
    assert activity.detail == "Standup → Retro"
    assert (activity.room, activity.room_name, activity.actor) == (alices_room, "Retro", alice)


def test_htmx_gets_the_tile_back_with_the_new_name(client, alice, alices_room):
    client.force_login(alice)
    response = rename(client, alices_room, "Retro", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    tile = only_element(html)
    assert (tile.name, dict(tile.attributes)["id"]) == ("article", f"room-{alices_room.code}")
    assert "Retro" in [text(title) for title in elements(tile, "h3")]
    # Focus goes back to the pencil.
    pencil = element(tile, "button", id=f"rename-{alices_room.code}", aria_label="Rename")
    assert ("autofocus", None) in pencil.attributes


def test_an_empty_name_shows_its_error_in_place(client, alice, alices_room):
    client.force_login(alice)
    response = rename(client, alices_room, "   ", **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Give the room a name." in html
    assert 'aria-invalid="true"' in html
    alices_room.refresh_from_db()
    assert alices_room.name == "Standup"


def test_a_too_long_name_is_refused_and_kept_in_the_field(client, alice, alices_room):
    client.force_login(alice)
    html = rename(client, alices_room, "x" * 81, **HTMX).content.decode()
    assert "Keep the name to 80 characters or fewer." in html
    assert 'value="' + "x" * 81 + '"' in html
    alices_room.refresh_from_db()
    assert alices_room.name == "Standup"


def test_eighty_characters_are_fine(client, alice, alices_room):
    client.force_login(alice)
    rename(client, alices_room, "y" * 80)
    alices_room.refresh_from_db()
    assert alices_room.name == "y" * 80


def test_the_same_name_is_refused(client, alice, alices_room):
    client.force_login(alice)
    html = rename(client, alices_room, " Standup ", **HTMX).content.decode()
    assert "That is already the room&#x27;s name." in html
    assert not Activity.objects.filter(kind=Activity.Kind.RENAMED).exists()


def test_without_javascript_a_bad_name_shows_the_dashboard_with_the_error(
    client, alice, alices_room
):
    client.force_login(alice)
    response = rename(client, alices_room, "")
    html = response.content.decode()
    assert response.status_code == 422
    assert_in_html("<h1>Your rooms</h1>", html)
    assert "Give the room a name." in html
    assert f'id="rename-input-{alices_room.code}"' in html


def test_the_dashboard_opens_the_rename_form_without_javascript(client, alice, alices_room):
    other = Room.create(alice, name="Other")
    client.force_login(alice)
    html = client.get(f"/?rename={alices_room.code}").content.decode()
    tile = element(html, "article", id=f"room-{alices_room.code}")
    other_tile = element(html, "article", id=f"room-{other.code}")
    rename_form = {"action": f"/rooms/{alices_room.code}/rename/", "method": "post"}
    assert element(tile, "div", class_="tile-title", hidden=None)
    assert ("hidden", None) not in element(tile, "form", **rename_form).attributes  # shown
    assert ("hidden", None) not in element(other_tile, "div", class_="tile-title").attributes
    other_form = {"action": f"/rooms/{other.code}/rename/", "method": "post"}
    assert element(other_tile, "form", hidden=None, **other_form)


def test_a_bad_rename_parameter_is_ignored(client, alice, alices_room):
    client.force_login(alice)
    assert client.get("/?rename=not-a-uuid").status_code == 200


def test_html_in_a_name_is_shown_as_text(client, alice, alices_room):
    client.force_login(alice)
    html = rename(client, alices_room, "<b>bold</b>", **HTMX).content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    alices_room.refresh_from_db()
    assert alices_room.name == "<b>bold</b>"


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert rename(client, alices_room, "Mine now").status_code == 404
    alices_room.refresh_from_db()
    assert alices_room.name == "Standup"


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    response = rename(client, alices_room, "Mine now")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    alices_room.refresh_from_db()
    assert alices_room.name == "Standup"


def test_it_rejects_get(client, alice, alices_room):
    client.force_login(alice)
    assert client.get(f"/rooms/{alices_room.code}/rename/").status_code == 405
