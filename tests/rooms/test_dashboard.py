from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rooms.models import JoinRequest, Room
from tests.helpers import assert_in_html, element, text


def test_it_sends_the_anonymous_visitor_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_it_invites_a_new_owner_to_create_the_first_room(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "Create your first room" in html
    assert "New room" in html


def test_it_shows_only_the_owners_rooms(client, alice, alices_room, bobs_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "Standup" in html
    assert "Bob&#x27;s office hours" not in html
    assert "Bob's office hours" not in html


def test_a_stranger_sees_none_of_alices_rooms(client, charlie, alices_room):
    client.force_login(charlie)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_html("<h1>Your rooms</h1>", html)
    assert_in_html("<h2>Create your first room</h2>", html)  # charlie's own, empty, dashboard
    assert "Standup" not in html
    assert alices_room.participant_secret not in html


def test_it_lists_the_most_recently_used_first(client, alice):
    now = timezone.now()
    for days, name in [(3, "Old"), (0, "Fresh"), (1, "Middle")]:
        room = Room.create(alice, name=name)
        Room.objects.filter(pk=room.pk).update(last_used_at=now - timedelta(days=days))
    client.force_login(alice)
    names = [room.name for room in client.get("/").context["rooms"]]
    assert names == ["Fresh", "Middle", "Old"]


def test_a_tile_shows_name_last_used_and_join(client, alice, alices_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'id="room-' + str(alices_room.code) in html
    assert "Last used" in html
    assert text(element(html, "a", href=f"/rooms/{alices_room.code}/join/")) == "Join"


def test_a_name_with_html_is_shown_as_text(client, alice):
    Room.create(alice, name="<script>alert(1)</script>")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_tile_counts_the_waiting_guests(client, alice, alices_room):
    for n in range(2):
        JoinRequest.objects.create(room=alices_room, guest_id=f"g{n}", display_name=f"Guest {n}")
    JoinRequest.objects.create(
        room=alices_room, guest_id="done", display_name="In", status="allowed"
    )
    client.force_login(alice)
    assert "2 waiting" in client.get("/").content.decode()


def count_dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_it_renders_with_the_same_number_of_queries_for_1_and_50_rooms(client, alice):
    client.force_login(alice)
    Room.create(alice, name="Room 0")
    one = count_dashboard_queries(client)
    for n in range(1, 50):
        Room.create(alice, name=f"Room {n}")
    assert count_dashboard_queries(client) == one
    # Session, user, the rooms with their waiting counts, and how many there are.
    assert one == 4


def test_it_rejects_post(client, alice):
    client.force_login(alice)
    assert client.post("/").status_code == 405
