import json

from rooms.models import Activity, JoinRequest, Room
from tests.helpers import HTMX, elements
from tests.rooms.images import give_images


def url(room):
    return f"/rooms/{room.code}/delete/"


def test_it_deletes_and_redirects_to_the_dashboard(client, alice, alices_room):
    path = alices_room.participant_path
    client.force_login(alice)
    response = client.post(url(alices_room))
    assert response.status_code == 302
    assert response.url == "/"
    assert not Room.objects.exists()
    assert client.get(path).status_code == 404


def test_it_keeps_a_record_without_the_room(client, alice, alices_room):
    client.force_login(alice)
    client.post(url(alices_room))
    deleted = Activity.objects.get(kind=Activity.Kind.DELETED)
    assert (deleted.room, deleted.room_name, deleted.actor) == (None, "Standup", alice)
    assert Activity.objects.filter(room_name="Standup").count() == 2  # Created, deleted.


def test_it_takes_the_join_requests_with_it(client, alice, alices_room):
    JoinRequest.objects.create(room=alices_room, guest_id="g", display_name="Guest")
    client.force_login(alice)
    response = client.post(url(alices_room))
    assert response.status_code == 302
    assert response.url == "/"
    assert not JoinRequest.objects.exists()


def test_it_removes_the_uploaded_files_once_committed(
    client, alice, alices_room, media, django_capture_on_commit_callbacks
):
    give_images(alices_room)
    files = [media / alices_room.background.name, media / alices_room.logo.name]
    files.append(media / alices_room.lobby_image.name)
    assert all(file.exists() for file in files)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room))
    assert not any(file.exists() for file in files)


def test_it_leaves_other_rooms_files_alone(
    client, alice, alices_room, bob, bobs_room, media, django_capture_on_commit_callbacks
):
    give_images(alices_room)
    give_images(bobs_room)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room))
    assert (media / bobs_room.background.name).exists()


def test_htmx_swaps_in_the_list_without_the_room(client, alice, alices_room):
    other = Room.create(alice, name="Retro")
    client.force_login(alice)
    response = client.post(url(alices_room), **HTMX)
    html = response.content.decode()
    assert elements(html, "section", id="room-list", aria_label="Rooms", hx_swap_oob="true")
    assert f'id="room-{other.code}"' in html
    assert f'id="room-{alices_room.code}"' not in html
    event = json.loads(response["HX-Trigger-After-Settle"])["dialog-done"]
    assert event["message"] == "Deleted “Standup”."


def test_deleting_the_last_room_brings_back_the_empty_state(client, alice, alices_room):
    client.force_login(alice)
    html = client.post(url(alices_room), **HTMX).content.decode()
    assert "Create your first room" in html


def test_get_asks_and_never_deletes(client, alice, alices_room):
    client.force_login(alice)
    page = client.get(url(alices_room))
    partial = client.get(url(alices_room), **HTMX)
    assert "<!doctype html>" in page.content.decode()
    assert "<!doctype html>" not in partial.content.decode()
    for response in (page, partial):
        html = response.content.decode()
        assert response.status_code == 200
        assert "permanent and irreversible" in html
        assert ">Delete room</button>" in html
        assert ">Cancel</a>" in html
        assert elements(html, "form", method="post", action=url(alices_room))
    assert Room.objects.filter(pk=alices_room.pk).exists()


def test_html_in_the_name_is_shown_as_text(client, alice):
    room = Room.create(alice, name="<i>x</i>")
    client.force_login(alice)
    html = client.get(url(room)).content.decode()
    assert "<i>x</i>" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert client.get(url(alices_room)).status_code == 404
    assert client.post(url(alices_room)).status_code == 404
    assert Room.objects.filter(pk=alices_room.pk).exists()


def test_bob_cannot_delete_alices_room(client, bob, alices_room):
    client.force_login(bob)
    assert client.post(url(alices_room)).status_code == 404
    assert Room.objects.filter(pk=alices_room.pk).exists()


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    for response in (client.get(url(alices_room)), client.post(url(alices_room))):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert Room.objects.filter(pk=alices_room.pk).exists()


def test_it_rejects_other_methods(client, alice, alices_room):
    client.force_login(alice)
    assert client.delete(url(alices_room)).status_code == 405
    assert Room.objects.filter(pk=alices_room.pk).exists()
