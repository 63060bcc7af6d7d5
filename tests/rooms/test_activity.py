from rooms.models import Activity, Actor


def test_the_owner_sees_the_rooms_activity(client, alice, alices_room):
    Activity.record(
        alices_room, Activity.Kind.ALLOWED, by=Actor(None, "Host Hannah"), detail="Guest Gus"
    )
    client.force_login(alice)
    response = client.get(f"/rooms/{alices_room.code}/activity/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Created" in html
    assert "Guest allowed" in html
    assert "Guest Gus" in html
    assert "by Host Hannah" in html


def test_it_shows_details_as_text(client, alice, alices_room):
    Activity.record(
        alices_room, Activity.Kind.RENAMED, by=Actor.account(alice), detail="<b>x</b> → y"
    )
    client.force_login(alice)
    html = client.get(f"/rooms/{alices_room.code}/activity/").content.decode()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert client.get(f"/rooms/{alices_room.code}/activity/").status_code == 404


def test_it_refuses_the_anonymous_visitor(client, alices_room):
    response = client.get(f"/rooms/{alices_room.code}/activity/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_rejects_post(client, alice, alices_room):
    client.force_login(alice)
    assert client.post(f"/rooms/{alices_room.code}/activity/").status_code == 405


def test_a_tile_links_to_its_activity(client, alice, alices_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert f'href="/rooms/{alices_room.code}/activity/"' in html


def test_it_pages_past_the_first_fifty_entries(client, alice, alices_room):
    for n in range(120):  # With "Created": 121 entries, the newest first.
        Activity.record(alices_room, Activity.Kind.RENAMED, by=Actor.account(alice), detail=f"#{n}")
    client.force_login(alice)
    first = client.get(f"/rooms/{alices_room.code}/activity/")
    assert [e.detail for e in first.context["entries"]][:2] == ["#119", "#118"]
    assert len(first.context["entries"]) == 50
    assert 'href="?page=2">Older' in first.content.decode()
    last = client.get(f"/rooms/{alices_room.code}/activity/?page=3")
    assert [e.kind for e in last.context["entries"]][-1] == Activity.Kind.CREATED
    assert len(last.context["entries"]) == 21
    html = last.content.decode()
    assert 'href="?page=2">Newer' in html
    assert "Older" not in html


def test_times_say_their_zone_and_customizing_says_colour(client, alice, alices_room):
    alices_room.customize(by=alice, button_color="#123456")
    client.force_login(alice)
    html = client.get(f"/rooms/{alices_room.code}/activity/").content.decode()
    assert "button colour" in html
    assert "button color" not in html
    assert " UTC</time>" in html  # app.js rewrites it in the viewer's own zone.


def test_a_room_used_a_moment_ago_was_used_just_now(client, alice, alices_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "Just now" in html
    assert "0 minutes ago" not in html
