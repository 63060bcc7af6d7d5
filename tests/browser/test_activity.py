from playwright.sync_api import expect

from tests.browser.conftest import screenshot, tile_menu


def test_the_owner_reads_what_happened_to_a_room(signed_in, alices_room):
    page = signed_in(timezone_id="Asia/Tokyo", locale="en-US")
    tile = page.locator(f"#room-{alices_room.code}")
    tile.get_by_role("button", name="Rename").click()
    name = tile.get_by_role("textbox", name="New name")
    name.fill("Daily standup")
    name.press("Enter")
    expect(page.get_by_role("heading", name="Daily standup")).to_be_visible()
    alices_room.refresh_from_db()  # Its menu button is named after the room.
    tile_menu(page, alices_room).get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    entries = page.locator(".activity-item")
    expect(entries.first).to_contain_text("Renamed")
    expect(entries.first).to_contain_text("Standup → Daily standup")
    expect(entries.first).to_contain_text("by Alice")
    expect(entries.last).to_contain_text("Created")
    # In the viewer's own zone, named (the page says UTC until app.js rewrites it).
    expect(entries.first.locator("time")).to_contain_text("GMT+9")
    screenshot(page, "activity")
