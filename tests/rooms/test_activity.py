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
