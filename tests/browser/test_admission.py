"""Admission lasts for the visit, in a real browser: a room page left open keeps someone in
after the room is locked, and so does a reload; once the tab has been closed for longer than
ADMISSION_GRACE the link leads to the lobby, where a locked room means asking again.

The live server beats every second and keeps a visit 5 s (the floor is 3 beats), so the test
waits seconds, not minutes; each wait is longer than the grace, never a race with it.
"""

import re

import pytest
from playwright.sync_api import expect

from rooms.models import Actor, Room
from tests.browser.conftest import screenshot

GRACE = 5


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"PRESENCE_HEARTBEAT": "1", "ADMISSION_GRACE": str(GRACE)}


def lock(room: Room) -> None:
    Room.objects.get(pk=room.pk).set_locked(True, by=Actor.account(room.owner))


def test_a_visit_lasts_while_the_page_is_open_and_ends_after_the_tab_is_closed(
    new_context, bobs_room
):
    dana = new_context()
    page = dana.new_page()
    page.goto(bobs_room.participant_path)
    page.get_by_label("Display name").fill("Dana")
    page.get_by_role("button", name="Join room").click()
    expect(page).to_have_url(re.compile(r"/room/$"))
    expect(page.locator("#presence-list")).to_contain_text("Dana")
    lock(bobs_room)

    page.wait_for_timeout((GRACE + 2) * 1000)  # Inside all along: the page's sockets beat.
    page.reload()
    expect(page).to_have_url(re.compile(r"/room/$"))
    expect(page.locator("#presence-list")).to_contain_text("Dana")

    page.close()
    later = dana.new_page()
    later.wait_for_timeout((GRACE + 2) * 1000)  # Out of the room for longer than the grace.
    later.goto(bobs_room.room_path(bobs_room.participant_secret))
    expect(later).to_have_url(re.compile(rf"{re.escape(bobs_room.participant_path)}$"))
    expect(later.get_by_role("button", name="Ask to join")).to_be_visible()
    expect(later.get_by_text("Your visit to Bob's office hours has ended")).to_be_visible()
    expect(later.get_by_label("Display name")).to_have_value("Dana")
    screenshot(later, "admission-ended-lobby")
