"""Customize in Chromium: the preview follows the form live, and the lobby shows the result."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from playwright.sync_api import Page, expect

from rooms.models import Room
from tests.browser.conftest import close_contexts, log_in, screenshot, tile_menu

pytestmark = pytest.mark.usefixtures("media")


def write_png(path: Path, color: tuple[int, int, int], size=(160, 60)) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def write_gradient(path: Path, dark: str, light: str, size=(1200, 800)) -> Path:
    gradient = Image.linear_gradient("L").rotate(45, expand=True).resize(size)
    ImageOps.colorize(gradient, black=dark, white=light).save(path, "JPEG", quality=85)
    return path


def css_variable(page: Page, name: str) -> str:
    return page.locator("#lobby-preview").evaluate(
        f"el => getComputedStyle(el).getPropertyValue('{name}').trim()"
    )


def test_the_owner_customizes_with_a_live_preview_and_the_lobby_follows(
    page: Page, alices_room: Room, media, tmp_path
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, alices_room.owner)
    tile_menu(page, alices_room).get_by_role("link", name="Customize").click()
    expect(page.get_by_role("heading", name="Customize")).to_be_visible()
    preview = page.locator("#lobby-preview")
    expect(preview.get_by_role("heading", name="Standup")).to_be_visible()
    assert css_variable(page, "--room-bg") == "#0f2a43"

    # Every change shows in the preview before anything is saved.
    page.get_by_text("Sunset", exact=True).click()
    assert css_variable(page, "--room-bg") == "#4a1f2e"
    page.get_by_role("textbox", name="Button colour", exact=True).fill("#ffcc00")
    assert css_variable(page, "--accent") == "#ffcc00"
    button = preview.locator(".preview-button")
    expect(button).to_have_css("background-color", "rgb(255, 204, 0)")
    expect(button).to_have_css("color", "rgb(17, 17, 17)")  # Dark text on a light button.
    page.get_by_label("Lobby title").fill("Welcome to standup")
    expect(preview.get_by_role("heading", name="Welcome to standup")).to_be_visible()
    page.get_by_label("Welcome message").fill("Cameras on, please.\nWe start at 9:30.")
    expect(preview.locator(".lobby-message")).to_have_text("Cameras on, please.We start at 9:30.")
    assert preview.locator(".lobby-message br").count() == 1
    logo = write_png(tmp_path / "logo.png", (224, 96, 58))
    page.get_by_label("Logo").set_input_files(logo)
    expect(preview.locator(".lobby-logo")).to_be_visible()
    assert preview.locator(".lobby-logo").get_attribute("src").startswith("blob:")

    background = write_gradient(tmp_path / "background.jpg", "#2a0f1a", "#f08a5d")
    page.get_by_label("Background image").set_input_files(background)
    assert css_variable(page, "--room-image").startswith('url("blob:')

    # Custom layout brings the lobby image and the links into the preview.
    expect(preview.get_by_role("link", name="Agenda")).to_have_count(0)
    page.get_by_role("radio", name="Custom").check()
    photo = write_gradient(tmp_path / "photo.jpg", "#1d3b2a", "#ffe7b3", (800, 400))
    page.get_by_label("Lobby image").set_input_files(photo)
    expect(preview.locator(".lobby-image")).to_be_visible()
    page.get_by_label("Link 1 label").fill("Agenda")
    page.get_by_label("Link 1 address").fill("https://example.com/agenda")
    expect(preview.get_by_role("link", name="Agenda")).to_have_attribute(
        "href", "https://example.com/agenda"
    )
    alices_room.refresh_from_db()
    assert alices_room.lobby_title == ""  # Nothing saved yet.
    screenshot(page, "customize-preview-1280")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    alices_room.refresh_from_db()
    assert (alices_room.theme, alices_room.button_color) == ("sunset", "#ffcc00")
    assert alices_room.lobby_title == "Welcome to standup"
    assert alices_room.logo.name.endswith(".png")
    assert alices_room.background.name.endswith(".jpg")
    assert alices_room.lobby_image.name.endswith(".jpg")
    assert alices_room.lobby_links == [{"label": "Agenda", "url": "https://example.com/agenda"}]
    assert len(list(media.rglob("*.*"))) == 3
    assert problems == []  # No CSP refusals: styles go through CSSOM, scripts are nonce'd files.
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "customize-saved-390")

    guest = page.context.browser.new_context(base_url=page.url.split("/rooms/")[0])
    try:
        lobby = guest.new_page()
        lobby.goto(alices_room.participant_path)
        expect(lobby.get_by_role("heading", name="Welcome to standup")).to_be_visible()
        expect(lobby.get_by_text("Cameras on, please.")).to_be_visible()
        logo_image = lobby.locator(".lobby-logo")
        expect(logo_image).to_be_visible()
        assert logo_image.evaluate("img => img.naturalWidth") == 160
        expect(lobby.locator(".lobby-image")).to_be_visible()
        background_image = lobby.locator("body").evaluate(
            "b => getComputedStyle(b).backgroundImage"
        )
        assert alices_room.background.url in background_image
        expect(lobby.get_by_role("link", name="Agenda")).to_have_attribute(
            "rel", "noopener noreferrer"
        )
        screenshot(lobby, "lobby-customized")
    finally:
        close_contexts(guest)


def test_a_bad_upload_shows_its_error_and_saves_nothing(page: Page, alices_room: Room, tmp_path):
    log_in(page, alices_room.owner)
    page.goto(f"/rooms/{alices_room.code}/customize/")
    fake = tmp_path / "background.png"
    fake.write_bytes(b"GIF89a" + b"\0" * 64)  # Not a PNG, whatever its name says.
    page.get_by_label("Background image").set_input_files(fake)
    page.get_by_label("Lobby title").fill("Should not stick")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    error = page.locator("#id_background_error")
    expect(error).to_have_text("Upload a PNG, JPEG or WebP image.")
    expect(page.get_by_label("Background image")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "customize-bad-upload")
    alices_room.refresh_from_db()
    assert alices_room.lobby_title == ""
    assert not alices_room.background


def test_unsaved_edits_are_not_dropped_without_a_word(signed_in, alices_room):
    """Issue 12, bug 9: "Back to rooms" dropped unsaved edits silently."""
    page = signed_in()
    page.goto(f"/rooms/{alices_room.code}/customize/")
    note = page.get_by_role("status").filter(has_text="Unsaved changes")
    expect(note).to_be_hidden()
    page.get_by_label("Lobby title").fill("Welcome, everyone")
    expect(note).to_be_visible()

    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on the page".

    page.on("dialog", answer)
    page.get_by_role("link", name="Back to rooms").click()
    expect(page.get_by_label("Lobby title")).to_have_value("Welcome, everyone")
    assert asked == ["beforeunload"]

    page.remove_listener("dialog", answer)
    page.get_by_role("button", name="Save changes").click()  # Saving leaves without asking.
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="Back to rooms").click()
    expect(page.get_by_role("heading", name="Your rooms")).to_be_visible()
