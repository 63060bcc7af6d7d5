"""Refusals seen through htmx in a real browser: a limit's message arrives as a toast, a full
waiting room says so in the lobby card, and the page around them stays one page."""

import pytest
from playwright.sync_api import Page, expect

from rooms.models import JoinRequest
from tests.browser.conftest import screenshot
from tests.browser.test_waiting_room import ask_to_join, console_errors


def fill_and_ask(page: Page, room, name: str) -> None:
    page.goto(room.participant_path)
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Ask to join").click()


def expect_one_page(page: Page) -> None:
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)


@pytest.mark.parametrize("server_env", [{"ASK_LIMIT_PER_MINUTE": "1"}])
def test_a_guest_over_the_ask_limit_sees_a_toast_and_keeps_the_lobby(new_context, alices_room):
    ask_to_join(new_context(), alices_room, "Dana")  # the address's one ask this minute
    page = new_context().new_page()
    errors = console_errors(page)
    fill_and_ask(page, alices_room, "Erin")

    toast = page.locator("#toasts").get_by_role("alert")
    expect(toast).to_have_text("Too many requests to join from your address.")
    screenshot(page, "lobby-ask-limit-toast")
    expect_one_page(page)
    expect(page.get_by_label("Display name")).to_have_value("Erin")  # nothing lost
    expect(page.get_by_role("button", name="Ask to join")).to_be_visible()
    assert list(JoinRequest.objects.values_list("display_name", flat=True)) == ["Dana"]
    expect(toast).to_have_count(0)  # it fades like every toast
    # The response was a 429, which htmx reports to the console; nothing else went wrong.
    assert [error for error in errors if "429" not in error] == []


@pytest.mark.parametrize("server_env", [{"WAITING_ROOM_CAP": "1"}])
def test_a_guest_who_meets_a_full_waiting_room_is_told_so(new_context, alices_room):
    ask_to_join(new_context(), alices_room, "Dana")
    page = new_context().new_page()
    fill_and_ask(page, alices_room, "Erin")

    card = page.locator("#join-state")
    expect(card).to_contain_text("The waiting room is full right now.")
    screenshot(page, "lobby-waiting-room-full")
    expect_one_page(page)
    expect(page.get_by_role("button", name="Ask to join")).to_be_visible()
    assert JoinRequest.objects.count() == 1


def test_a_guest_with_a_bad_name_sees_the_error_in_the_lobby_card(new_context, alices_room):
    page = new_context().new_page()
    page.goto(alices_room.participant_path)
    page.get_by_label("Display name").fill("Da\u202eevil")
    page.get_by_role("button", name="Ask to join").click()

    expect(page.get_by_label("Display name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#join-state")).to_contain_text("invisible text-direction characters")
    expect(page.get_by_label("Display name")).to_have_value("Da\u202eevil")  # nothing lost
    expect_one_page(page)
    assert JoinRequest.objects.count() == 0
