import json

from rooms.models import Activity
from tests.helpers import HTMX, elements


def url(room):
    return f"/rooms/{room.code}/links/regenerate/"


def test_it_replaces_both_links_and_the_old_ones_404(client, alice, alices_room):
    old_participant, old_host = alices_room.participant_path, alices_room.host_path
    client.force_login(alice)
    response = client.post(url(alices_room))
    assert response.status_code == 302
    assert response.url == "/"
    alices_room.refresh_from_db()
    assert alices_room.participant_path != old_participant
    assert alices_room.host_path != old_host
    assert client.get(old_participant).status_code == 404
    assert client.get(old_host).status_code == 404
    assert client.get(alices_room.participant_path).status_code == 200
    assert client.get(alices_room.host_path).status_code == 200


def test_the_new_links_keep_the_slug(client, alice, alices_room):
    client.force_login(alice)
    client.post(url(alices_room))
    alices_room.refresh_from_db()
    assert alices_room.participant_path.startswith("/r/standup/")


def test_it_records_the_change(client, alice, alices_room):
    client.force_login(alice)
    client.post(url(alices_room))
    activity = Activity.objects.filter(kind=Activity.Kind.LINKS).get()
    assert (activity.room, activity.actor) == (alices_room, alice)


def test_htmx_swaps_in_the_new_links_and_closes_the_dialog(client, alice, alices_room):
    client.force_login(alice)
    response = client.post(url(alices_room), **HTMX)
    alices_room.refresh_from_db()
    html = response.content.decode()
    assert elements(html, "section", id="room-list", aria_label="Rooms", hx_swap_oob="true")
    assert alices_room.participant_url in html
    assert alices_room.host_url in html
    event = json.loads(response["HX-Trigger-After-Settle"])["dialog-done"]
    assert event["focus"] == f"menu-button-{alices_room.code}"
    assert "old links no longer work" in event["message"]


def test_get_asks_for_confirmation_and_changes_nothing(client, alice, alices_room):
    secret = alices_room.participant_secret
    client.force_login(alice)
    page = client.get(url(alices_room))
    partial = client.get(url(alices_room), **HTMX)
    assert page.status_code == partial.status_code == 200
    assert "<h1>" not in partial.content.decode()
    assert "<!doctype html>" in page.content.decode()
    for response in (page, partial):
        html = response.content.decode()
        assert "Generate new links for “Standup”?" in html
        assert "The old links stop working at once" in html
        assert f'action="{url(alices_room)}"' in html
    alices_room.refresh_from_db()
    assert alices_room.participant_secret == secret
    assert not Activity.objects.filter(kind=Activity.Kind.LINKS).exists()


def test_it_refuses_a_stranger(client, charlie, alices_room):
    secret = alices_room.participant_secret
    client.force_login(charlie)
    assert client.get(url(alices_room)).status_code == 404
    assert client.post(url(alices_room)).status_code == 404
    alices_room.refresh_from_db()
    assert alices_room.participant_secret == secret


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    secret = alices_room.participant_secret
    for response in (client.get(url(alices_room)), client.post(url(alices_room))):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    alices_room.refresh_from_db()
    assert alices_room.participant_secret == secret


def test_it_rejects_other_methods(client, alice, alices_room):
    client.force_login(alice)
    assert client.put(url(alices_room)).status_code == 405
