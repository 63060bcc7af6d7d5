import re

import pytest
from playwright.sync_api import expect

from rooms.models import Room
from rooms.views import DASHBOARD_PAGE_SIZE
from tests.browser.conftest import menu_button, screenshot, tile_menu
from tests.browser.test_waiting_room import ask_to_join, console_errors


def test_show_more_rooms_appends_the_next_page_in_place(signed_in, alice):
    for n in range(DASHBOARD_PAGE_SIZE + 3):
        Room.create(alice, name=f"Room {n:02}")
    page = signed_in()
    tiles = page.locator(".room-grid > li")
    expect(tiles).to_have_count(DASHBOARD_PAGE_SIZE)
    page.get_by_role("link", name="Show more rooms").click()
    expect(tiles).to_have_count(DASHBOARD_PAGE_SIZE + 3)
    expect(page.get_by_role("link", name="Show more rooms")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/\?page=2$"))  # Appended in place; the URL follows.
    page.reload()
    expect(tiles).to_have_count(DASHBOARD_PAGE_SIZE + 3)  # A reload keeps them.


def test_live_waiting_badges_with_more_rooms_than_a_page_log_no_errors(
    signed_in, new_context, alice
):
    """Issue 12, bug 5: every live update used to log htmx:oobErrorNoTarget for the badges of
    tiles beyond the first page."""
    rooms = [Room.create(alice, name=f"Room {n:02}") for n in range(DASHBOARD_PAGE_SIZE + 3)]
    newest, oldest = rooms[-1], rooms[0]  # Most recently used first: the oldest is on page 2.
    page = signed_in()
    errors = console_errors(page)
    ask_to_join(new_context(), newest, "Dana")
    expect(page.locator(f"#room-{newest.code}-waiting")).to_have_text("1 waiting")
    ask_to_join(new_context(), oldest, "Erin")
    expect(page.locator("#owner-requests")).to_contain_text("Erin")

    page.get_by_role("link", name="Show more rooms").click()
    expect(page.locator(f"#room-{oldest.code}-waiting")).to_have_text("1 waiting")
    ask_to_join(new_context(), oldest, "Finn")
    expect(page.locator(f"#room-{oldest.code}-waiting")).to_have_text("2 waiting")
    expect(page.locator(f"#room-{newest.code}-waiting")).to_have_text("1 waiting")
    assert errors == []


def test_search_filter_and_sort_live_in_the_url(signed_in, alice):
    rooms = [("Weekly standup", True), ("Office hours", False), ("Design review", True)]
    for name, locked in rooms:
        Room.create(alice, name=name, locked=locked)
    page = signed_in()
    tiles = page.locator(".room-grid > li")
    expect(page.get_by_role("status").filter(has_text="3 rooms")).to_be_visible()
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()  # Applies as you type.

    search = page.get_by_role("searchbox", name="Search rooms")
    search.fill("w")
    expect(tiles).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=w"))
    page.get_by_label("Sort by").select_option("Name")
    expect(tiles.first).to_contain_text("Design review")
    search.fill("")
    page.get_by_label("Show").select_option("Unlocked")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_contain_text("Office hours")
    expect(page.get_by_role("status").filter(has_text="1 of 3 rooms")).to_be_visible()
    screenshot(page, "dashboard-filtered")

    page.reload()  # In the URL: a reload keeps them.
    expect(tiles).to_have_count(1)
    expect(page.get_by_label("Show")).to_have_value("unlocked")
    expect(page.get_by_label("Sort by")).to_have_value("name")


def test_search_works_without_javascript(signed_in, alice):
    for name in ("Weekly standup", "Office hours"):
        Room.create(alice, name=name)
    page = signed_in(java_script_enabled=False)
    page.get_by_role("searchbox", name="Search rooms").fill("office")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".room-grid > li")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"\?q=office"))


@pytest.mark.parametrize("width", [1366, 390])
def test_thirty_rooms_are_dense_tiles_with_the_rest_in_a_menu(signed_in, alice, width: int):
    """Issue 12: thirty rooms were a 4,200 px wall of 440 px tiles. A tile shows its name,
    status, guests waiting, Join and Copy participant link; the rest is in its menu."""
    rooms = [Room.create(alice, name=f"Room {n:02}") for n in range(DASHBOARD_PAGE_SIZE + 6)]
    page = signed_in(viewport={"width": width, "height": 900})
    page.get_by_role("link", name="Show more rooms").click()
    expect(page.locator(".room-grid > li")).to_have_count(len(rooms))
    screenshot(page, f"dashboard-30-rooms-{width}")
    tallest = max(page.locator(".tile").evaluate_all("tiles => tiles.map(t => t.offsetHeight)"))
    assert tallest <= 200, f"a tile is {tallest} px tall"
    grid = page.locator(".room-grid").evaluate("grid => grid.offsetHeight")
    rows = len(rooms) // (3 if width > 1000 else 1)  # Three columns wide, one on a phone.
    assert grid <= rows * 220, f"thirty rooms take {grid} px"

    first, second = rooms[-1], rooms[-2]  # Most recently used first.
    tile = page.locator(f"#room-{first.code}")
    expect(tile.get_by_role("link", name="Join")).to_be_visible()
    expect(tile.get_by_role("button", name="Copy participant link")).to_be_visible()
    expect(tile.get_by_role("switch", name="Privacy")).to_contain_text("Locked")
    for in_menu in ("Customize", "Duplicate", "Generate new links", "Activity", "Delete"):
        expect(tile.get_by_role("link", name=in_menu)).to_be_hidden()

    menu = tile_menu(page, first)
    expect(menu_button(page, first)).to_have_attribute("title", "More")
    for in_menu in ("Customize", "Duplicate", "Generate new links", "Activity", "Delete"):
        expect(menu.get_by_role("link", name=in_menu)).to_be_visible()
    screenshot(page, f"dashboard-menu-{width}")
    # One menu at a time (the second opened from the keyboard: on a phone the first menu lies
    # over the next tile); a click elsewhere closes it.
    menu_button(page, second).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#menu-{second.code} .room-menu-panel")).to_be_visible()
    expect(menu.get_by_role("link", name="Delete")).to_be_hidden()
    page.get_by_role("heading", name="Your rooms").click()
    expect(page.locator(".room-menu[open]")).to_have_count(0)
    # Escape closes it from inside and gives focus back to its button.
    menu = tile_menu(page, first)
    menu.get_by_role("link", name="Customize").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".room-menu[open]")).to_have_count(0)
    expect(menu_button(page, first)).to_be_focused()


def test_a_tiles_menu_opens_without_javascript(signed_in, alice):
    room = Room.create(alice, name="Standup")
    page = signed_in(java_script_enabled=False)
    tile_menu(page, room).get_by_role("link", name="Customize").click()
    expect(page.get_by_role("heading", name="Customize")).to_be_visible()
