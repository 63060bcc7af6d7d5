"""The dashboard at scale (issue 12): search by name, filter (locked, unlocked, guests waiting),
sort (last used, name, newest) and the room count, all in the URL, without JavaScript too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms.models import Room
from tests.helpers import HTMX, ask


@pytest.fixture
def rooms(alice):
    now = timezone.now()
    made = {}
    for n, (name, locked) in enumerate(
        [("Weekly standup", True), ("Office hours", False), ("Design review", True)]
    ):
        room = Room.create(alice, name, locked=locked)
        Room.objects.filter(pk=room.pk).update(
            last_used_at=now - timedelta(hours=n), created_at=now - timedelta(days=3 - n)
        )
        made[name] = room
    return made


def names(response) -> list[str]:
    return [room.name for room in response.context["rooms"]]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["Weekly standup", "Office hours", "Design review"]),
        ("?q=STAND", ["Weekly standup"]),
        ("?show=locked", ["Weekly standup", "Design review"]),
        ("?show=unlocked", ["Office hours"]),
        ("?sort=name", ["Design review", "Office hours", "Weekly standup"]),
        ("?sort=created", ["Design review", "Office hours", "Weekly standup"]),  # Newest first.
        ("?q=e&show=locked&sort=name", ["Design review", "Weekly standup"]),
    ],
)
def test_search_filter_and_sort_come_from_the_url(client, alice, rooms, query, shown):
    client.force_login(alice)
    assert names(client.get(f"/{query}")) == shown


def test_guests_waiting_shows_the_rooms_with_someone_waiting(client, alice, rooms):
    ask(rooms["Design review"], "Dana")
    client.force_login(alice)
    assert names(client.get("/?show=waiting")) == ["Design review"]


def test_the_count_says_how_many_match_of_how_many(client, alice, rooms):
    client.force_login(alice)
    assert "3 rooms" in client.get("/").content.decode()
    html = client.get("/?q=office").content.decode()
    assert "1 of 3 rooms matching “office”" in html


def test_nothing_matching_says_so_and_offers_all_rooms(client, alice, rooms):
    client.force_login(alice)
    html = client.get("/?q=nothing+like+this").content.decode()
    assert "No rooms match" in html
    assert "Create your first room" not in html


@pytest.mark.parametrize("query", ["?show=everything", "?sort=size", "?q=" + "x" * 200])
def test_a_bad_value_is_ignored_not_an_error(client, alice, rooms, query):
    client.force_login(alice)
    response = client.get(f"/{query}")
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_htmx_filtering_answers_the_list_alone(client, alice, rooms):
    client.force_login(alice)
    response = client.get("/?show=unlocked", HTTP_HX_TARGET="room-list", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="room-list"')
    assert names(response) == ["Office hours"]


def test_a_room_created_while_filtered_keeps_the_filter(client, alice, rooms):
    client.force_login(alice)
    response = client.post(
        "/rooms/new/",
        {"name": "Open studio", "theme": "ocean", "locked": "0"},
        HTTP_HX_CURRENT_URL="http://testserver/?show=unlocked",
        **HTMX,
    )
    assert sorted(names(response)) == ["Office hours", "Open studio"]


def test_a_stranger_searches_only_their_own_rooms(client, charlie, rooms):
    client.force_login(charlie)
    assert names(client.get("/?q=standup")) == []
