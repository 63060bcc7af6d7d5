"""The embedded default's error pages in a browser (issue 12, bug 4): with DEBUG on, as `make
run` serves, an old room link shows the product's "Page not found", not Django's debug 404."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"DEBUG": "true"}


@pytest.mark.parametrize("width", [1366, 390])
def test_an_old_room_link_shows_the_apps_own_page_not_found(new_context, alices_room, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    response = page.goto(f"/r/{alices_room.slug}/an-old-secret/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Go to Session Rooms")).to_be_visible()
    expect(page.get_by_text("URLconf")).to_have_count(0)
    screenshot(page, f"debug-on-404-{width}")
