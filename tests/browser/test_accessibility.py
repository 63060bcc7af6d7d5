"""No serious or critical axe-core violations on the pages guests and owners use.

axe is injected as an inline script, which the app's CSP rightly blocks: these contexts bypass
CSP, and ask for reduced motion so colours are judged settled."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

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


def test_the_customize_page(signed_in, alices_room):
    page = signed_in(**A11Y)
    page.goto(f"/rooms/{alices_room.code}/customize/")
    expect(page.get_by_role("heading", name="Customize")).to_be_visible()
    assert_accessible(page)


def test_the_lobby_asking_and_waiting(new_context, alices_room):
    page = new_context(**A11Y).new_page()
    page.goto(alices_room.participant_path)
    assert_accessible(page)
    page.get_by_label("Display name").fill("Dana")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("heading", name="Waiting for the host to let you in")).to_be_visible()
    assert_accessible(page)


def test_the_room_page_for_a_host(new_context, alices_room):
    page = new_context(**A11Y).new_page()
    page.goto(alices_room.host_path)
    page.get_by_label("Display name").fill("Hana")
    page.get_by_role("button", name="Join room").click()
    expect(page.get_by_role("heading", name="Host controls")).to_be_visible()
    assert_accessible(page)
