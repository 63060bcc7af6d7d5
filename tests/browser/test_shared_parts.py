"""In Chromium: the Copy button and the toast are the same on the dashboard and in the room, and
the lobby's link rows keep what was typed when one is refused."""

from playwright.sync_api import Page, expect

from rooms.models import Room
from tests.browser.conftest import log_in, record_labels, screenshot, showed_label, tile_menu


def test_the_host_panel_copies_a_link_and_says_so_in_the_toast(signed_in, alice, server):
    room = Room.create(alice, name="Standup")
    page = signed_in(permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"/rooms/{room.code}/join/")
    panel = page.locator("#host-panel")
    expect(panel.get_by_role("textbox", name="Host link")).to_have_value(
        server.url + room.host_path
    )

    copy = panel.get_by_role("button", name="Copy host link")
    record_labels(page)
    copy.click()
    toast = page.locator("#toasts").get_by_text("Copied host link")
    expect(toast).to_be_visible()
    showed_label(page, "Copied")
    expect(copy).to_have_text("Copy")  # and then it says Copy again
    assert page.evaluate("navigator.clipboard.readText()") == server.url + room.host_path
    screenshot(page, "room-copied")
    expect(toast).to_have_count(0)  # it fades like every toast


def test_the_host_panel_hides_copy_without_javascript(signed_in, alice):
    room = Room.create(alice, name="Standup")
    page = signed_in(java_script_enabled=False)
    page.goto(f"/rooms/{room.code}/join/")
    panel = page.locator("#host-panel")
    expect(panel.get_by_role("textbox", name="Participant link")).to_be_visible()
    expect(panel.get_by_role("button", name="Copy participant link")).to_be_hidden()


def test_a_dialogs_message_shows_in_the_one_toast_region(signed_in, alice):
    room = Room.create(alice, name="Standup")
    page = signed_in()
    tile_menu(page, room).get_by_role("link", name="Generate new links").click()
    page.get_by_role("dialog").get_by_role("button", name="Generate new links").click()
    expect(page.locator("#toasts").get_by_text("The old links no longer work.")).to_be_visible()


def test_a_refused_link_row_keeps_every_row_as_typed(page: Page, alice):
    room = Room.create(alice, name="Standup")
    log_in(page, alice)
    page.goto(f"/rooms/{room.code}/customize/")
    page.get_by_role("radio", name="Custom").check()
    rows = [("Agenda", "https://example.com/agenda"), ("Notes", "ftp://example.com/notes")]
    for number, (label, url) in enumerate(rows, start=1):
        page.get_by_label(f"Link {number} label").fill(label)
        page.get_by_label(f"Link {number} address").fill(url)
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    bad = page.get_by_label("Link 2 address")
    expect(bad).to_have_attribute("aria-invalid", "true")
    expect(bad).to_have_accessible_description(
        "Use an address that starts with http:// or https://."
    )
    for number, (label, url) in enumerate(rows, start=1):
        expect(page.get_by_label(f"Link {number} label")).to_have_value(label)
        expect(page.get_by_label(f"Link {number} address")).to_have_value(url)
    screenshot(page, "customize-bad-link")
    room.refresh_from_db()
    assert room.lobby_links == []
