"""The dashboard shows the most recent rooms a page at a time, so 1,000 rooms stay fast."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms.models import Room
from rooms.views import DASHBOARD_PAGE_SIZE
from tests.helpers import HTMX, elements


@pytest.fixture
def thirty_rooms(alice):
    now = timezone.now()
    for n in range(30):
        room = Room.create(alice, name=f"Room {n:02}")
        Room.objects.filter(pk=room.pk).update(last_used_at=now - timedelta(minutes=n))


def names(response) -> list[str]:
    return [room.name for room in response.context["rooms"]]


def test_the_first_page_holds_the_most_recent_rooms(client, alice, thirty_rooms):
    client.force_login(alice)
    response = client.get("/")
    assert names(response) == [f"Room {n:02}" for n in range(DASHBOARD_PAGE_SIZE)]
    assert "Show more rooms" in response.content.decode()


def test_htmx_appends_the_next_page_and_drops_the_button_at_the_end(client, alice, thirty_rooms):
    client.force_login(alice)
    response = client.get("/?page=2", **HTMX)
    html = response.content.decode()
    assert names(response) == [f"Room {n:02}" for n in range(DASHBOARD_PAGE_SIZE, 30)]
    assert "<section" not in html  # only tiles and the out-of-band "more" area
    assert elements(html, "div", id="more-rooms", class_="more-rooms", hx_swap_oob="true")
    assert "Show more rooms" not in html


def test_a_page_number_shows_every_page_up_to_it(client, alice, thirty_rooms):
    """Without JavaScript "Show more rooms" is this page; with it, a reload of the URL it
    pushed: either way nothing shown before is lost."""
    client.force_login(alice)
    response = client.get("/?page=2")
    html = response.content.decode()
    assert "New room" in html
    assert names(response) == [f"Room {n:02}" for n in range(30)]
    assert "Show more rooms" not in html


def test_show_more_pushes_its_page_into_the_url(client, alice, thirty_rooms):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert len(elements(html, "a", hx_get="?page=2", hx_push_url="true")) == 1


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999"])
def test_a_bad_page_number_shows_the_first_page(client, alice, thirty_rooms, page):
    client.force_login(alice)
    response = client.get(f"/?page={page}")
    assert response.status_code == 200
    assert names(response)[0] == "Room 00"


def test_a_stranger_never_pages_into_alices_rooms(client, charlie, thirty_rooms):
    client.force_login(charlie)
    response = client.get("/?page=2")
    assert response.status_code == 200
    assert "Create your first room" in response.content.decode()
    assert names(response) == []
