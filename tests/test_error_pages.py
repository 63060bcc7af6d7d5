"""The embedded default (DEBUG on) shows the product's error pages, not Django's debug pages,
unless a developer asks for them with DEBUG_PAGES (issue 12, bug 4)."""

import pytest

OLD_LINK = "/r/standup/an-old-secret-that-was-replaced/"


@pytest.fixture
def debug(settings, db):
    settings.DEBUG = True
    return settings


def test_a_wrong_room_link_shows_page_not_found_with_debug_on(client, debug, alices_room):
    for path in (OLD_LINK, "/no/such/page/", f"/r/{alices_room.slug}/wrong/room/"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "This link does not lead to a room" in html
        assert "URLconf" not in html  # Django's page lists every URL pattern.
        assert "session_rooms.urls" not in html


def test_debug_pages_show_when_a_developer_asks(client, debug):
    debug.DEBUG_PAGES = True
    response = client.get(OLD_LINK)
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_a_csrf_failure_explains_itself(db, alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/rooms/new/", {"name": "Planning"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Form expired" in html
    assert "Reload the page and try again." in html
    assert not alice.rooms.exists()  # Nothing was made.


def test_a_head_request_on_the_dashboard_is_answered_without_a_body(client, alice):
    client.force_login(alice)
    response = client.head("/")
    assert response.status_code == 200
    assert response.content == b""
