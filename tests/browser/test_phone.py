"""The waiting room on a phone (issue 12, bug 8): a host's room page says at its top that
guests wait and leads to the list below the stage; after "Ask to join" the guest's status is
on screen, not at the bottom edge."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_waiting_room import ask_to_join, expect_in_room

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def in_view(locator) -> bool:
    return locator.evaluate(
        "(e) => { const b = e.getBoundingClientRect();"
        " return b.top >= 0 && b.bottom <= window.innerHeight; }"
    )


def test_a_host_on_a_phone_sees_that_guests_wait_and_reaches_the_list(new_context, alices_room):
    host = new_context(**PHONE).new_page()
    host.goto(alices_room.host_path)
    host.get_by_label("Display name").fill("Hana")
    host.get_by_role("button", name="Join room").click()
    notice = host.locator("#host-notice")
    expect(host.get_by_role("heading", name="Host controls")).to_be_attached()
    expect(notice).to_be_hidden()

    dana = ask_to_join(new_context(), alices_room, "Dana")

    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1 guest waiting")
    assert in_view(notice)
    screenshot(host, "phone-host-notice")
    notice.click()
    allow = host.locator("#host-panel").get_by_role("button", name="Allow Dana")
    expect(allow).to_be_in_viewport()
    allow.click()
    expect(notice).to_be_hidden()
    expect_in_room(dana, alices_room, "Dana")


def test_after_asking_on_a_phone_the_status_is_on_screen(new_context, alices_room):
    page = ask_to_join(new_context(**PHONE), alices_room, "Dana")
    status = page.get_by_role("heading", name="Waiting for the host to let you in")
    expect(status).to_be_in_viewport()
    # Focus ends on it, also after the guest stream's snapshot replaces it (read from the page:
    # Playwright calls a page without window focus inactive).
    wait_until(
        page,
        "document.activeElement?.matches('#join-state .join-status h2')"
        " && document.activeElement.textContent.includes('Waiting for the host')",
    )
    screenshot(page, "phone-asked")
