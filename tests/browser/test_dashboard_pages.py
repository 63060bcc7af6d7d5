from playwright.sync_api import expect

from rooms.models import Room
from rooms.views import DASHBOARD_PAGE_SIZE


def test_show_more_rooms_appends_the_next_page_in_place(signed_in, alice):
    for n in range(DASHBOARD_PAGE_SIZE + 3):
        Room.create(alice, name=f"Room {n:02}")
    page = signed_in()
    tiles = page.locator(".room-grid > li")
    expect(tiles).to_have_count(DASHBOARD_PAGE_SIZE)
    page.get_by_role("link", name="Show more rooms").click()
    expect(tiles).to_have_count(DASHBOARD_PAGE_SIZE + 3)
    expect(page.get_by_role("link", name="Show more rooms")).to_have_count(0)
    assert page.url.endswith("/")  # appended in place, no navigation
