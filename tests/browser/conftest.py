"""Browser tests: Playwright drives Debian's Chromium against a real daphne process.

Run as their own pytest invocation (`make test-browser`): Playwright's sync API and
pytest-asyncio each want the event loop.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import PASSWORD
from tests.live import ROOT, LiveServer
from tests.media import wait_for

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# Every `expect` and every action waits until its condition holds, for up to this long: generous,
# for a machine loaded by other suites, since a passing step never waits it out.
PATIENCE_MS = 30_000
expect.set_options(timeout=PATIENCE_MS)


def skip_or_fail(reason: str) -> None:
    """Skips the test for `reason`, or fails it under REQUIRE_BROWSER (CI must run it)."""
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"there is no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server_env() -> dict[str, str]:
    """Settings for the live server's environment; a test parametrizes it to change one."""
    return {}


@pytest.fixture
def server(transactional_db, server_env) -> Iterator[LiveServer]:
    server = LiveServer(**server_env)
    yield server
    server.stop()


@pytest.fixture
def new_context(browser: Browser, server: LiveServer):
    """Opens a fresh browser profile (a person) on the live server; closed after the test."""
    contexts: list[BrowserContext] = []

    def open_context(**options) -> BrowserContext:
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        return context

    yield open_context
    close_contexts(*contexts)


def close_contexts(*contexts: BrowserContext) -> None:
    """Closes the profiles a test opened, each page first left for about:blank.

    Chromium can hang for good in Target.disposeBrowserContext when a page's navigation commits
    while its profile is being disposed: a guest let in at the test's last step is on its way
    into the room as the test ends. Measured here: 4 runs in 9 of test_phone.py and
    test_waiting_room.py together stalled so, for ever (Playwright's close has no timeout). A
    navigation to about:blank, which has one, first ends whatever each page was doing and runs
    its pagehide handlers."""
    for context in contexts:
        for page in context.pages:
            leave(page)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


def leave(page: Page, tries: int = 3) -> None:
    """Takes `page` to about:blank, again if a navigation the page started itself (a guest let
    in going into the room) interrupts it."""
    for attempt in range(tries):
        try:
            page.goto("about:blank")
            return
        except PlaywrightError as error:
            if "interrupted by another navigation" not in str(error) or attempt == tries - 1:
                raise


def log_in(page: Page, user) -> Page:
    """Logs `user` in through the form, as a person would, and waits for their dashboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your rooms")).to_be_visible()
    return page


@pytest.fixture
def signed_in(new_context, alice):
    """A page of a fresh browser in which alice has logged in, on the dashboard."""

    def open_page(**options) -> Page:
        return log_in(new_context(**options).new_page(), alice)

    return open_page


def tile_menu(page: Page, room) -> Locator:
    """A dashboard tile's menu, opened by its button as a person would: the room's links and
    every action past Join and Copy participant link."""
    menu = page.locator(f"#menu-{room.code}")
    if menu.get_attribute("open") is None:
        menu_button(page, room).click()
    expect(menu.locator(".room-menu-panel")).to_be_visible()
    return menu


def menu_button(page: Page, room) -> Locator:
    """The button that opens a tile's menu, by the name a screen reader says."""
    return page.locator(f"#room-{room.code}").get_by_label(f"More for {room.name}", exact=True)


def screenshot(page: Page, name: str) -> Path:
    """Keeps a picture of what the test saw, to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def axe_violations(page: Page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run bin/fetch-axe (npm install) first.")
    # Colours are judged as they settle: wait for entrance animations (not endless pulses).
    unsettled = (
        "document.getAnimations().filter(a => a.effect.getTiming().iterations !== Infinity"
        " && a.playState !== 'finished')"
    )
    wait_for(
        page,
        lambda: page.evaluate(f"{unsettled}.length === 0"),
        lambda: (
            "still moving: "
            + page.evaluate(
                f"{unsettled}.map(a => `${{a.constructor.name}}"
                " ${a.animationName || a.transitionProperty}"
                " on ${a.effect.target?.outerHTML.slice(0, 120)} (${a.playState})`).join('; ')"
            )
        ),
        PATIENCE_MS / 1000,
    )
    page.add_script_tag(content=AXE.read_text())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def record_labels(page: Page) -> None:
    """Record in window.labels every label a copy button shows: a short-lived one ("Copied"
    lasts 2 s) can fall between two polls on a loaded machine, and a live update may swap the
    button for a fresh copy, so the whole page is watched rather than one element."""
    page.evaluate(
        "() => { window.labels = [];"
        " new MutationObserver(() => document.querySelectorAll('[data-copy] .copy-text')"
        ".forEach((text) => window.labels.push(text.textContent.trim())))"
        ".observe(document.body, {subtree: true, childList: true, characterData: true}); }"
    )


def showed_label(page, label: str) -> None:
    wait_until(page, f"window.labels.includes({label!r})")


def wait_until(page: Page, expression: str) -> None:
    """Polls a JavaScript expression in the page until it is true: `page.wait_for_function`
    re-runs its predicate with eval(), which the app's Content-Security-Policy refuses."""
    wait_for(
        page,
        lambda: page.evaluate(expression),
        lambda: f"still false: {expression}",
        PATIENCE_MS / 1000,
    )
