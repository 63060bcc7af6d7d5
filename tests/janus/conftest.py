"""A Janus per test module (fresh ports and secret), pointed at by the settings of each test."""

import pytest

from tests.janus.support import Browser, JanusProcess, require_janus


@pytest.fixture(scope="module")
def janus_process():
    require_janus()
    process = JanusProcess()
    yield process
    process.stop()


@pytest.fixture
def janus(janus_process, settings):
    """The module's Janus as the app's only instance."""
    settings.JANUS_SERVERS = {janus_process.url: janus_process.admin_url}
    settings.JANUS_ADMIN_SECRET = janus_process.admin_secret
    return janus_process


@pytest.fixture
def browsers():
    """browsers(url, token) opens a Janus WebSocket like a page would; all close after the test."""
    opened = []

    def open_browser(url: str, token: str | None, **kwargs) -> Browser:
        browser = Browser(url, token, **kwargs)
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        browser.close()
