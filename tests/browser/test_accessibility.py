"""No serious or critical axe-core violations on the pages guests and owners use, on every
theme a room can have (issue 12, bug 6: WCAG 2.2 AA, checked by axe, not by eye).

axe is injected as an inline script, which the app's CSP rightly blocks: these contexts bypass
CSP, and ask for reduced motion so colours are judged settled."""

import json

import pytest
from playwright.sync_api import expect

from rooms.models import THEMES, Room
from tests.browser.conftest import axe_violations

EVERY_THEME = pytest.mark.parametrize("theme", list(THEMES))

A11Y = {"bypass_csp": True, "reduced_motion": "reduce"}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Create your account"),
        ("/accounts/password/reset/", "Reset your password"),
    ],
)
def test_the_account_pages(new_context, db, path, heading):
    page = new_context(**A11Y).new_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert_accessible(page)


@EVERY_THEME
def test_the_customize_page(signed_in, alices_room, theme):
    themed(alices_room, theme)
    page = signed_in(**A11Y)
    page.goto(f"/rooms/{alices_room.code}/customize/")
    expect(page.get_by_role("heading", name="Customize")).to_be_visible()
    assert_accessible(page)


def themed(room: Room, theme: str) -> Room:
    Room.objects.filter(pk=room.pk).update(theme=theme)
    return room


def joined(new_context, room: Room, lobby: str, name: str):
    """A fresh browser that joined the room through `lobby` (a link that enters at once)."""
    page = new_context(**A11Y).new_page()
    page.goto(lobby)
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Join room").click()
    return page


@EVERY_THEME
def test_the_lobby_asking_and_waiting(new_context, alices_room, theme):
    themed(alices_room, theme)
    page = new_context(**A11Y).new_page()
    page.goto(alices_room.participant_path)
    assert_accessible(page)
    page.get_by_label("Display name").fill("Dana")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("heading", name="Waiting for the host to let you in")).to_be_visible()
    assert_accessible(page)


@EVERY_THEME
def test_the_room_page_for_a_host(new_context, alices_room, theme):
    page = joined(new_context, themed(alices_room, theme), alices_room.host_path, "Hana")
    expect(page.get_by_role("heading", name="Host controls")).to_be_visible()
    assert_accessible(page)


def test_the_dashboard_with_a_room_of_every_theme(signed_in, alice):
    for key, theme in THEMES.items():
        Room.create(alice, f"{theme.label} room", theme=key)
    page = signed_in(**A11Y)
    expect(page.get_by_role("article")).to_have_count(len(THEMES))
    assert_accessible(page)


@EVERY_THEME
def test_the_room_page_leave_button_reads_on_every_theme(new_context, bobs_room, theme):
    """The Leave button was #111 on #c62f3b (3.5:1) on themed room pages."""
    page = joined(new_context, themed(bobs_room, theme), bobs_room.participant_path, "Pat")
    leave = page.get_by_role("button", name="Leave")
    expect(leave).to_be_visible()
    ratio = leave.evaluate(CONTRAST)
    assert ratio >= 4.5, f"Leave is {ratio:.2f}:1 on {theme}"
    assert_accessible(page)


# The WCAG contrast ratio of an element's text colour on its own background colour.
CONTRAST = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
