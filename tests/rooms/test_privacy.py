from rooms.models import Activity, Actor, JoinRequest
from tests.helpers import HTMX, assert_in_html, element, only_element, text


def set_privacy(client, room, locked, **extra):
    return client.post(f"/rooms/{room.code}/privacy/", {"locked": locked}, **extra)


def privacy_activities():
    return Activity.objects.filter(kind=Activity.Kind.PRIVACY)


def test_it_unlocks_and_redirects_to_the_dashboard(client, alice, alices_room):
    client.force_login(alice)
    response = set_privacy(client, alices_room, "0")
    assert response.status_code == 302
    assert response.url == "/"
    alices_room.refresh_from_db()
    assert alices_room.locked is False
    activity = privacy_activities().get()
    assert (activity.detail, activity.actor, activity.room) == ("Unlocked", alice, alices_room)


def test_it_locks(client, bob, bobs_room):
    client.force_login(bob)
    set_privacy(client, bobs_room, "1")
    bobs_room.refresh_from_db()
    assert bobs_room.locked is True


def test_posting_the_same_state_twice_changes_it_once(client, alice, alices_room):
    client.force_login(alice)
    set_privacy(client, alices_room, "0")
    set_privacy(client, alices_room, "0")
    alices_room.refresh_from_db()
    assert alices_room.locked is False
    assert privacy_activities().count() == 1


def test_set_locked_says_whether_it_changed(alice, alices_room):
    assert alices_room.set_locked(True, by=Actor.account(alice)) is False
    assert alices_room.set_locked(False, by=Actor(None, "A host")) is True
    assert privacy_activities().get().actor_name == "A host"


def test_htmx_gets_the_tile_with_the_switch_flipped(client, alice, alices_room):
    JoinRequest.objects.create(room=alices_room, guest_id="g", display_name="Guest")
    client.force_login(alice)
    html = set_privacy(client, alices_room, "0", **HTMX).content.decode()
    tile = only_element(html)
    assert tile.name == "article"
    switch = element(tile, "button", id=f"privacy-{alices_room.code}", role="switch")
    assert dict(switch.attributes)["aria-checked"] == "false"
    assert "Unlocked" in text(switch)
    assert_in_html('<input type="hidden" name="locked" value="1">', html)
    # Unlocking let the waiting guest in: the badge is there for pushes, hidden at zero.
    assert element(tile, "span", data_waiting_badge=str(alices_room.code), hidden=None)
    assert JoinRequest.objects.get().status == JoinRequest.Status.ALLOWED


def test_locking_keeps_the_waiting_badge_in_the_tile(client, alice, alices_room):
    alices_room.set_locked(False, by=Actor.account(alice))
    JoinRequest.objects.create(room=alices_room, guest_id="g", display_name="Guest")
    client.force_login(alice)
    html = set_privacy(client, alices_room, "1", **HTMX).content.decode()
    assert "1 waiting" in html


def test_the_dashboard_posts_the_opposite_state(client, alice, alices_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    switch = element(html, "button", id=f"privacy-{alices_room.code}", role="switch")
    assert dict(switch.attributes)["aria-checked"] == "true"
    assert_in_html('<input type="hidden" name="locked" value="0">', html)


def test_a_value_other_than_1_or_0_is_refused(client, alice, alices_room):
    client.force_login(alice)
    assert set_privacy(client, alices_room, "maybe").status_code == 400
    alices_room.refresh_from_db()
    assert alices_room.locked is True
    assert not privacy_activities().exists()


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert set_privacy(client, alices_room, "0").status_code == 404
    alices_room.refresh_from_db()
    assert alices_room.locked is True


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    response = set_privacy(client, alices_room, "0")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    alices_room.refresh_from_db()
    assert alices_room.locked is True


def test_it_rejects_get(client, alice, alices_room):
    client.force_login(alice)
    assert client.get(f"/rooms/{alices_room.code}/privacy/").status_code == 405
