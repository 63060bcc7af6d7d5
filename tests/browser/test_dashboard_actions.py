"""The dashboard's room actions in Chromium: in place with JavaScript, plain pages without."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from rooms.models import JoinRequest, Room
from tests.browser.conftest import (
    SCREENSHOTS,
    axe_violations,
    menu_button,
    record_labels,
    screenshot,
    showed_label,
    tile_menu,
)


@pytest.fixture
def rooms(alice: User) -> list[Room]:
    """Three rooms, most recently used first, one with guests waiting."""
    retro = Room.create(alice, name="Retro", theme="lavender", locked=False)
    design = Room.create(alice, name="Design review", theme="sunset")
    standup = Room.create(alice, name="Standup", theme="ocean")
    for n in range(2):
        JoinRequest.objects.create(room=standup, guest_id=f"g{n}", display_name=f"Guest {n}")
    return [standup, design, retro]


def tile_of(page: Page, room: Room):
    return page.locator(f"#room-{room.code}")


def test_rename_with_enter_escape_and_errors_in_place(signed_in, rooms):
    standup = rooms[0]
    page = signed_in()
    tile = tile_of(page, standup)
    pencil = tile.get_by_role("button", name="Rename")
    name = tile.get_by_role("textbox", name="New name")

    pencil.click()
    expect(name).to_be_focused()
    expect(name).to_have_value("Standup")
    name.fill("  Daily standup ")
    name.press("Enter")
    expect(tile.get_by_role("heading")).to_have_text("Daily standup")
    expect(pencil).to_be_focused()

    pencil.click()
    name.fill("Not this")
    name.press("Escape")
    expect(name).to_be_hidden()
    expect(tile.get_by_role("heading")).to_have_text("Daily standup")
    expect(pencil).to_be_focused()

    pencil.click()
    name.fill("   ")
    name.press("Enter")
    expect(tile.get_by_text("Give the room a name.")).to_be_visible()
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    # The field holds 80 characters, as the model does; the server still says so to a browser
    # that lets more through.
    expect(name).to_have_attribute("maxlength", "80")
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("x" * 81)
    name.press("Enter")
    expect(tile.get_by_text("Keep the name to 80 characters or fewer.")).to_be_visible()
    name.fill("Daily standup")
    name.press("Enter")
    expect(tile.get_by_text("That is already the room's name.")).to_be_visible()
    screenshot(page, "dashboard-rename-error")
    name.press("Escape")
    expect(tile.get_by_text("That is already the room's name.")).to_have_count(0)
    expect(pencil).to_be_focused()

    pencil.click()
    expect(name).to_have_value("Daily standup")
    name.fill("<b>Bold</b> & co")
    name.press("Enter")
    expect(tile.get_by_role("heading")).to_have_text("<b>Bold</b> & co")

    standup.refresh_from_db()
    assert standup.name == "<b>Bold</b> & co"
    assert standup.participant_path.startswith("/r/standup/")


def test_the_privacy_switch_flips_in_place(signed_in, rooms):
    standup = rooms[0]
    page = signed_in()
    page.evaluate("window.notReloaded = true")
    switch = tile_of(page, standup).get_by_role("switch", name="Privacy")
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(switch).to_contain_text("Locked")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Unlocked")
    expect(switch).to_be_focused()
    # Unlocking let both waiting guests in: the badge goes away.
    expect(tile_of(page, standup).get_by_text("2 waiting")).to_be_hidden()
    standup.refresh_from_db()
    assert standup.locked is False
    assert not standup.waiting().exists()
    switch.press("Space")
    expect(switch).to_have_attribute("aria-checked", "true")
    standup.refresh_from_db()
    assert standup.locked is True
    assert page.evaluate("window.notReloaded") is True


def test_copy_puts_the_absolute_links_on_the_clipboard(signed_in, rooms, server):
    standup = rooms[0]
    # The server's SITE_URL is its own address (tests/live.py), unlike this process's.
    participant_url = server.url + standup.participant_path
    host_url = server.url + standup.host_path
    page = signed_in(permissions=["clipboard-read", "clipboard-write"])
    tile = tile_of(page, standup)
    # Up front, with the menu closed: the link a room is shared by.
    copy = tile.get_by_role("button", name="Copy participant link")
    record_labels(page)
    copy.click()
    expect(page.get_by_role("status").filter(has_text="Copied participant link")).to_be_visible()
    showed_label(page, "Copied")
    assert page.evaluate("navigator.clipboard.readText()") == participant_url
    expect(copy).to_have_text("Copy participant link")

    menu = tile_menu(page, standup)
    expect(menu.get_by_role("textbox", name="Participant link")).to_have_value(participant_url)
    expect(menu.get_by_role("textbox", name="Host link")).to_have_value(host_url)
    menu.get_by_role("button", name="Copy host link").click()
    expect(page.get_by_role("status").filter(has_text="Copied host link")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == host_url
    screenshot(page, "dashboard-copied")


def test_generate_new_links_asks_first_and_the_old_links_404(signed_in, rooms, server):
    standup = rooms[0]
    old_participant, old_host = standup.participant_path, standup.host_path
    page = signed_in()
    menu = tile_menu(page, standup)

    menu.get_by_role("link", name="Generate new links").click()
    dialog = page.get_by_role("dialog", name="Generate new links for “Standup”?")
    expect(dialog).to_be_visible()
    screenshot(page, "dialog-regenerate")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(menu_button(page, standup)).to_be_focused()  # The menu closed behind the dialog.
    standup.refresh_from_db()
    assert standup.participant_path == old_participant

    tile_menu(page, standup).get_by_role("link", name="Generate new links").click()
    page.get_by_role("dialog").get_by_role("button", name="Generate new links").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="old links no longer work")).to_be_visible()
    standup.refresh_from_db()
    assert standup.participant_path != old_participant
    expect(menu_button(page, standup)).to_be_focused()
    menu = tile_menu(page, standup)
    expect(menu.get_by_role("textbox", name="Participant link")).to_have_value(
        server.url + standup.participant_path
    )
    expect(menu.get_by_role("textbox", name="Host link")).to_have_value(
        server.url + standup.host_path
    )

    for old in (old_participant, old_host):
        assert page.goto(old).status == 404
    assert page.goto(standup.participant_path).status == 200
    assert page.goto(standup.host_path).status == 200


def test_duplicate_with_chosen_settings_shows_the_new_tile_without_reload(signed_in, rooms):
    design = rooms[1]
    Room.objects.filter(pk=design.pk).update(lobby_title="Crit time", button_color="#aa3300")
    page = signed_in()
    page.evaluate("window.notReloaded = true")
    tile_menu(page, design).get_by_role("link", name="Duplicate").click()
    dialog = page.get_by_role("dialog", name="Duplicate “Design review”")
    expect(dialog).to_be_visible()
    name = dialog.get_by_role("textbox", name="New name")
    expect(name).to_be_focused()
    expect(name).to_have_value("Design review (copy)")
    for label in ("Theme and branding", "Lobby", "Privacy"):
        expect(dialog.get_by_role("checkbox", name=label)).to_be_checked()
    screenshot(page, "dialog-duplicate")

    name.fill("")
    dialog.get_by_role("button", name="Duplicate room").click()
    expect(dialog.get_by_text("Give the room a name.")).to_be_visible()
    expect(dialog.get_by_role("textbox", name="New name")).to_be_focused()

    dialog.get_by_role("textbox", name="New name").fill("Design review, team B")
    dialog.get_by_role("checkbox", name="Lobby").uncheck()
    dialog.get_by_role("button", name="Duplicate room").click()
    expect(page.get_by_role("dialog")).to_be_hidden()

    copy = Room.objects.get(name="Design review, team B")
    new_tile = tile_of(page, copy)
    expect(new_tile).to_be_visible()
    expect(new_tile).to_be_focused()
    created = page.get_by_role("status").filter(has_text="Created “Design review, team B”.")
    expect(created).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert (copy.theme, copy.button_color, copy.lobby_title, copy.locked) == (
        "sunset",
        "#aa3300",
        "",
        True,
    )
    assert copy.participant_secret != design.participant_secret
    expect(page.locator(".tile")).to_have_count(4)


def test_delete_dialog_cancel_then_confirm(signed_in, rooms):
    standup, design, _ = rooms
    page = signed_in()
    tile_menu(page, design).get_by_role("link", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete “Design review”?")
    expect(dialog).to_contain_text("permanent and irreversible")
    expect(dialog.get_by_role("link", name="Cancel")).to_be_focused()
    screenshot(page, "dialog-delete")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(menu_button(page, design)).to_be_focused()
    assert Room.objects.filter(pk=design.pk).exists()

    tile_menu(page, design).get_by_role("link", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete room").click()
    expect(tile_of(page, design)).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Deleted “Design review”.")).to_be_visible()
    expect(page.locator(".tile")).to_have_count(2)
    assert not Room.objects.filter(pk=design.pk).exists()
    assert Room.objects.filter(pk=standup.pk).exists()


def test_dialogs_work_with_the_keyboard_alone(signed_in, rooms):
    standup, design, retro = rooms
    page = signed_in()
    dialog = page.get_by_role("dialog")

    def from_the_menu(room: Room, action: str) -> None:
        """Opens the tile's menu with Enter and tabs to `action`, as a keyboard user does."""
        button = menu_button(page, room)
        button.focus()
        page.keyboard.press("Enter")
        item = tile_of(page, room).get_by_role("link", name=action, exact=True)
        expect(item).to_be_visible()
        for _ in range(12):  # The links, their Copy button, then the actions.
            page.keyboard.press("Tab")
            if item.evaluate("item => item === document.activeElement"):
                break
        expect(item).to_be_focused()
        page.keyboard.press("Enter")

    from_the_menu(design, "Delete")
    expect(dialog.get_by_role("link", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(menu_button(page, design)).to_be_focused()
    expect(tile_of(page, design).locator(".room-menu-panel")).to_be_hidden()

    # Escape closes an open menu too, and gives its button focus back.
    page.keyboard.press("Enter")
    expect(tile_of(page, design).get_by_role("link", name="Delete")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(tile_of(page, design).get_by_role("link", name="Delete")).to_be_hidden()
    expect(menu_button(page, design)).to_be_focused()

    from_the_menu(design, "Delete")
    expect(dialog.get_by_role("link", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")  # Cancel
    expect(dialog).to_be_hidden()
    expect(menu_button(page, design)).to_be_focused()

    from_the_menu(design, "Delete")
    expect(dialog.get_by_role("link", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Delete room")).to_be_focused()
    page.keyboard.press("Enter")
    expect(tile_of(page, design)).to_have_count(0)
    # Focus lands on the tile that took its place.
    expect(tile_of(page, retro)).to_be_focused()

    from_the_menu(standup, "Duplicate")
    expect(dialog.get_by_role("textbox", name="New name")).to_be_focused()
    page.keyboard.type("Standup, team B")  # The proposed name is selected: typing replaces it.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("checkbox", name="Theme and branding")).to_be_focused()
    page.keyboard.press("Space")
    expect(dialog.get_by_role("checkbox", name="Theme and branding")).not_to_be_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # In the name field: submits.
    expect(dialog).to_be_hidden()
    copy = Room.objects.get(name="Standup, team B")
    expect(tile_of(page, copy)).to_be_focused()
    assert copy.theme == "ocean"

    pencil = tile_of(page, retro).get_by_role("button", name="Rename")
    pencil.focus()
    page.keyboard.press("Enter")
    expect(tile_of(page, retro).get_by_role("textbox", name="New name")).to_be_focused()
    page.keyboard.press("Escape")
    expect(pencil).to_be_focused()


def test_rename_without_javascript(signed_in, rooms, server):
    standup = rooms[0]
    page = signed_in(java_script_enabled=False)
    tile = tile_of(page, standup)
    # The links are there to select, in the tile's menu (a <details>, which opens without
    # JavaScript); Copy needs JavaScript, so it is not offered.
    expect(tile.get_by_role("button", name="Copy participant link")).to_be_hidden()
    menu = tile_menu(page, standup)
    expect(menu.get_by_role("textbox", name="Participant link")).to_have_value(
        server.url + standup.participant_path
    )
    expect(menu.get_by_role("button", name="Copy host link")).to_be_hidden()
    menu_button(page, standup).click()  # Closed again.
    tile.get_by_role("button", name="Rename").click()
    expect(page).to_have_url(re.compile(rf"\?rename={standup.code}"))
    name = tile.get_by_role("textbox", name="New name")
    expect(name).to_be_visible()
    screenshot(page, "nojs-rename")

    name.fill("")
    tile.get_by_role("button", name="Save name").click()
    expect(tile.get_by_text("Give the room a name.")).to_be_visible()

    tile.get_by_role("textbox", name="New name").fill("Morning sync")
    tile.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("Renamed to “Morning sync”.")).to_be_visible()
    expect(tile.get_by_role("heading")).to_have_text("Morning sync")
    standup.refresh_from_db()
    assert standup.name == "Morning sync"


def test_privacy_without_javascript(signed_in, rooms):
    standup = rooms[0]
    page = signed_in(java_script_enabled=False)
    switch = tile_of(page, standup).get_by_role("switch", name="Privacy")
    switch.click()
    expect(tile_of(page, standup).get_by_role("switch", name="Privacy")).to_have_attribute(
        "aria-checked", "false"
    )
    standup.refresh_from_db()
    assert standup.locked is False


def test_delete_without_javascript(signed_in, rooms):
    design = rooms[1]
    page = signed_in(java_script_enabled=False)
    tile_menu(page, design).get_by_role("link", name="Delete").click()
    expect(page).to_have_url(re.compile(rf"/rooms/{design.code}/delete/$"))
    expect(page.get_by_text("permanent and irreversible")).to_be_visible()
    screenshot(page, "nojs-delete")
    page.get_by_role("link", name="Cancel").click()
    expect(tile_of(page, design)).to_be_visible()

    tile_menu(page, design).get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete room").click()
    expect(page.get_by_text("Deleted “Design review”.")).to_be_visible()
    expect(tile_of(page, design)).to_have_count(0)
    assert not Room.objects.filter(pk=design.pk).exists()


def test_the_dashboard_and_its_dialogs_have_no_serious_axe_violations(signed_in, rooms):
    # axe is injected as an inline script, which the app's CSP rightly blocks: this test only.
    # Reduced motion: colours are judged as they are, not half-way through a fade-in.
    page = signed_in(bypass_csp=True, reduced_motion="reduce")
    expect(page.get_by_role("heading", name="2 guests waiting")).to_be_visible()
    design = rooms[1]
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)
    tile_menu(page, design)
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)  # Menu open.
    for action in ("Duplicate", "Delete"):
        tile_menu(page, design).get_by_role("link", name=action).click()
        expect(page.get_by_role("dialog")).to_be_visible()
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()
    tile_of(page, design).get_by_role("button", name="Rename").click()
    tile_of(page, design).get_by_role("textbox", name="New name").fill("")
    tile_of(page, design).get_by_role("textbox", name="New name").press("Enter")
    expect(tile_of(page, design).get_by_text("Give the room a name.")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize("width", [1280, 390, 360])
def test_screenshots_of_the_dashboard_and_dialogs(signed_in, rooms, width: int):
    page = signed_in(viewport={"width": width, "height": 900})
    screenshot(page, f"dashboard-{width}")
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow), "the dashboard scrolls sideways"
    design = rooms[1]
    for action, name in [
        ("Duplicate", "duplicate"),
        ("Delete", "delete"),
        ("Generate new links", "regenerate"),
    ]:
        tile_menu(page, design).get_by_role("link", name=action).click()
        expect(page.get_by_role("dialog")).to_be_visible()
        # The viewport, not the full page: the modal sits in the middle of what a person sees.
        page.screenshot(path=SCREENSHOTS / f"dialog-{name}-{width}.png")
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()


def test_new_links_keep_the_owners_own_room_tab_in_the_room(signed_in, alice, alices_room):
    """Issue 12, bug 9: "Generate new links" threw the owner's own open room tab out ("This
    link has changed"). It moves to the new link and stays in the meeting."""
    dashboard = signed_in()
    room_tab = dashboard.context.new_page()
    room_tab.goto(f"/rooms/{alices_room.code}/join/")
    expect(room_tab.get_by_role("heading", name="Host controls")).to_be_visible()
    expect(room_tab.locator("#presence-list")).to_contain_text("Alice")

    tile_menu(dashboard, alices_room).get_by_role("link", name="Generate new links").click()
    dashboard.get_by_role("dialog").get_by_role("button", name="Generate new links").click()
    expect(dashboard.get_by_role("dialog")).to_be_hidden()

    alices_room.refresh_from_db()
    expect(room_tab).to_have_url(
        re.compile(re.escape(alices_room.room_path(alices_room.host_secret)))
    )
    expect(room_tab.get_by_role("heading", name="Host controls")).to_be_visible()
    expect(room_tab.locator("#presence-list")).to_contain_text("Alice")
    expect(room_tab.get_by_text("This link has changed")).to_have_count(0)
