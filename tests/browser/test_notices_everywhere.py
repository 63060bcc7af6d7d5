"""The owner never misses a guest (issue 12, bugs 1 and 2): the waiting-guests notice, the
browser notification, the chime and the count in the tab's title reach the owner on every page,
a room page of another of their rooms included, and a host on the room page they host.

Browser notifications are recorded by wrapping the page's own Notification constructor (headless
Chromium shows none), after the person turned them on with the page's button."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from rooms.models import Room
from tests.browser.conftest import log_in, screenshot, wait_until
from tests.browser.test_waiting_room import ask_to_join, console_errors

RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.notified = [];
  function Recorded(title, options) {
    window.notified.push(title);
    return new Real(title, options);
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
})();
"""


def notifying(context: BrowserContext) -> BrowserContext:
    context.grant_permissions(["notifications"])
    context.add_init_script(RECORD_NOTIFICATIONS)
    return context


def notified(page: Page, count: int) -> list[str]:
    wait_until(page, f"window.notified.length >= {count}")
    return page.evaluate("window.notified")


def test_an_owner_in_one_room_hears_of_a_guest_at_another(new_context, alice, alices_room):
    team = Room.create(alice, "Team sync", locked=False)
    owner = log_in(notifying(new_context()).new_page(), alice)
    errors = console_errors(owner)
    owner.get_by_role("button", name="Turn on notifications").click()
    owner.goto(f"/rooms/{team.code}/join/")
    expect(owner.locator("#host-panel")).to_contain_text("Nobody is waiting")
    expect(owner).to_have_title("Team sync · Session Rooms")

    guest = ask_to_join(new_context(), alices_room, "Dana")

    area = owner.locator("#owner-requests")
    expect(area).to_contain_text("Dana")
    expect(area).to_contain_text(alices_room.name)
    expect(owner).to_have_title("(1) Team sync · Session Rooms")
    assert notified(owner, 1) == ["Dana wants to join"]
    expect(owner.locator("#host-panel")).to_contain_text("Nobody is waiting")  # Not this room's.
    screenshot(owner, "room-page-owner-hears-of-another-room")

    area.get_by_role("button", name="Allow Dana").click()
    expect(guest).to_have_url(re.compile(r"/room/$"))
    expect(owner).to_have_title("Team sync · Session Rooms")
    expect(area).not_to_contain_text("Dana")
    assert errors == []


def test_a_host_on_the_room_page_hears_of_a_guest(new_context, alices_room):
    host = notifying(new_context()).new_page()
    host.goto(alices_room.host_path)
    host.get_by_label("Display name").fill("Hana")
    host.get_by_role("button", name="Join room").click()
    panel = host.locator("#host-panel")
    expect(panel).to_contain_text("Nobody is waiting")
    panel.get_by_role("button", name="Turn on notifications").click()
    expect(panel.get_by_role("button", name="Notifications on")).to_be_visible()

    ask_to_join(new_context(), alices_room, "Dana")

    expect(panel).to_contain_text("Dana")
    expect(host).to_have_title(f"(1) {alices_room.name} · Session Rooms")
    assert notified(host, 1) == ["Dana wants to join"]
    expect(panel.get_by_role("button", name="Notifications on")).to_be_visible()
    panel.get_by_role("button", name="Deny Dana").click()
    expect(host).to_have_title(f"{alices_room.name} · Session Rooms")


def test_the_owner_hears_of_a_guest_on_any_page(new_context, alice, alices_room):
    owner = log_in(notifying(new_context()).new_page(), alice)
    owner.get_by_role("button", name="Turn on notifications").click()
    owner.goto(f"/rooms/{alices_room.code}/activity/")
    baseline = owner.title()

    ask_to_join(new_context(), alices_room, "Dana")

    expect(owner.locator("#owner-requests")).to_contain_text("Dana")
    expect(owner).to_have_title(f"(1) {baseline}")
    assert notified(owner, 1) == ["Dana wants to join"]
