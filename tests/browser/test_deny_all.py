"""Deny all and guests who left, in real browsers: the host's dialog in the room, the owner's
confirmation page from the corner area, and each guest's page told at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rooms.models import Activity, JoinRequest
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_waiting_room import ask_to_join

WIDTHS = {"wide": {"width": 1280, "height": 900}, "narrow": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_host_denies_everyone_from_the_rooms_dialog(new_context, alice, alices_room, width):
    # Not watching the console: screenshots leave style="" that htmx copies (a CSP report).
    owner = log_in(new_context(viewport=WIDTHS[width]).new_page(), alice)
    owner.get_by_role("article", name="Standup").get_by_role("link", name="Join").click()
    panel = owner.locator("#host-panel")
    expect(panel).to_be_visible()
    dana = ask_to_join(new_context(), alices_room, "Dana")
    erin = ask_to_join(new_context(), alices_room, "Erin")
    away = timezone.now() - timedelta(minutes=3)  # Finn closed his page three minutes ago.
    JoinRequest.objects.create(room=alices_room, guest_id="finn", display_name="Finn", seen_at=away)
    ask_to_join(new_context(), alices_room, "Gus")  # A change: the panel renders again.
    expect(panel.locator("li.request-left")).to_contain_text("Finn")
    expect(panel.locator(".count")).to_have_text("3")
    screenshot(owner, f"host-panel-left-{width}")

    panel.get_by_role("link", name="Deny all").click()
    dialog = owner.locator("#meeting-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("4 requests are turned away at once")
    screenshot(owner, f"deny-all-dialog-{width}")
    dialog.get_by_role("button", name="Deny all").click()

    expect(panel).to_contain_text("Nobody is waiting.")
    for guest in (dana, erin):
        expect(guest.get_by_text("The host declined your request.")).to_be_visible()
    assert set(JoinRequest.objects.values_list("status", flat=True)) == {"denied"}
    assert Activity.objects.get(kind=Activity.Kind.DENIED_ALL).detail == "4 guests"


def test_the_owner_denies_everyone_from_the_corner_area(new_context, alice, alices_room):
    owner = log_in(new_context().new_page(), alice)
    dana = ask_to_join(new_context(), alices_room, "Dana")
    ask_to_join(new_context(), alices_room, "Erin")
    area = owner.locator("#owner-requests")
    expect(area).to_contain_text("2 guests waiting")
    screenshot(owner, "owner-area-deny-all")
    area.get_by_role("link", name="Deny all waiting for Standup").click()
    heading = owner.get_by_role("heading", name="Deny everyone waiting for “Standup”?")
    expect(heading).to_be_visible()
    screenshot(owner, "deny-all-page")
    owner.get_by_role("button", name="Deny all").click()
    expect(owner.get_by_role("heading", name="Your rooms")).to_be_visible()  # Back where it was.
    expect(owner.locator("#toasts")).to_contain_text("Denied everyone waiting for “Standup”")
    expect(dana.get_by_text("The host declined your request.")).to_be_visible()
    expect(area).not_to_contain_text("Erin")
