"""The waiting-guests notice never covers a control and collapses (issue 12, bug 3): it sits in
the page's flow under the top bar, pushing the page down, at desktop and phone widths; it
collapses to its title line and expands again, and stays collapsed while guests come and go."""

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_waiting_room import ask_to_join

UNCOVERED = """(element) => {
  const box = element.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.1, 0.5], [0.9, 0.5]];
  return points.every(([x, y]) => {
    const hit = document.elementFromPoint(box.left + box.width * x, box.top + box.height * y);
    return hit !== null && (hit === element || element.contains(hit));
  });
}"""


def uncovered(control: Locator) -> bool:
    control.scroll_into_view_if_needed()
    return control.evaluate(UNCOVERED)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_notice_covers_no_control_and_collapses(new_context, alice, alices_room, width):
    owner = log_in(new_context(viewport={"width": width, "height": 800}).new_page(), alice)
    for name in ("Dana", "Erin", "Finn"):
        ask_to_join(new_context(), alices_room, name)
    area = owner.locator("#owner-requests")
    expect(area).to_contain_text("3 guests waiting")
    screenshot(owner, f"dock-dashboard-{width}")
    assert uncovered(owner.get_by_role("button", name="Create room"))
    assert uncovered(owner.get_by_role("link", name="Join").first)

    owner.goto(f"/rooms/{alices_room.code}/customize/")
    expect(area).to_contain_text("3 guests waiting")
    assert uncovered(owner.get_by_role("link", name="Open the lobby"))

    hide = area.get_by_role("button", name="Hide the guests waiting")
    expect(hide).to_have_attribute("aria-expanded", "true")
    hide.click()
    expect(area.get_by_role("button", name="Allow Dana")).to_be_hidden()
    show = area.get_by_role("button", name="Show the guests waiting")
    expect(show).to_have_attribute("aria-expanded", "false")
    screenshot(owner, f"dock-collapsed-{width}")

    ask_to_join(new_context(), alices_room, "Gus")  # A push keeps it collapsed, counted.
    expect(area).to_contain_text("4 guests waiting")
    expect(area.get_by_role("button", name="Allow Gus")).to_be_hidden()
    show.click()
    expect(area.get_by_role("button", name="Allow Gus")).to_be_visible()
