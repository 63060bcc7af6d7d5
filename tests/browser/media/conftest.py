"""Media tests: Chromium inside a network namespace of this test run, the app on its host end.

Every test under this folder gets the fixtures of tests/browser/conftest.py by the same names
(`browser`, `server`, `new_context`, `page`, `signed_in`), moved into the namespace, plus
`media_network`, `server_env` and `coturn`. tests/media.py lists them with the media helpers.
The namespace needs root (`ip netns add`): without it these tests are skipped, and under
REQUIRE_BROWSER=1 (CI) they fail.
"""

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, skip_or_fail
from tests.live import LiveServer
from tests.media import MEDIA_ARGS, Coturn, Namespace, NetnsUnavailable, record_peer_connections


@pytest.fixture(scope="session")
def media_network() -> Iterator[Namespace]:
    """The test run's namespace: servers listen on `.host`, the browsers are at `.inner`."""
    try:
        namespace = Namespace.create()
    except NetnsUnavailable as error:
        skip_or_fail(f"media tests need a network namespace of their own (run as root): {error}")
    # A run stopped with SIGTERM (`timeout`, CI) tears down as after Ctrl-C: no namespace left.
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield namespace
        namespace.assert_nothing_leaves()
    finally:
        namespace.close()
        signal.signal(signal.SIGTERM, previous)


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment for the test's daphne (override it in a test module, or with
    `@pytest.mark.parametrize("server_env", [{...}])`); for TURN use `coturn.env`."""
    return {}


@pytest.fixture
def server(transactional_db, media_network: Namespace, server_env) -> Iterator[LiveServer]:
    """The app on the namespace's host end: the browsers reach it, and it is their origin."""
    server = LiveServer(host=media_network.host, **server_env)
    yield server
    server.stop()


@pytest.fixture
def browser(
    playwright: Playwright, media_network: Namespace, server: LiveServer, tmp_path: Path
) -> Iterator[Browser]:
    """Chromium inside the namespace with a fake camera and microphone, one per test: its
    `--unsafely-treat-insecure-origin-as-secure` names the test server's origin (port and all),
    so getUserMedia works there."""
    wrapper = media_network.chromium_wrapper(CHROMIUM, tmp_path)
    secure_origin = f"--unsafely-treat-insecure-origin-as-secure={server.url}"
    browser = playwright.chromium.launch(
        executable_path=wrapper, args=[*CHROMIUM_ARGS, *MEDIA_ARGS, secure_origin]
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(new_context):
    """A person's browser profile as in tests/browser, allowed camera and microphone, whose
    pages record their RTCPeerConnections for the helpers of tests/media.py."""

    def open_context(**options):
        options.setdefault("permissions", ["camera", "microphone"])
        context = new_context(**options)
        record_peer_connections(context)
        return context

    return open_context


@pytest.fixture
def coturn(media_network: Namespace, settings) -> Iterator[Coturn]:
    """coturn on the namespace's host end with a fresh secret; this process's settings point
    TURN at it (for `rooms.ice.ice_servers`), `coturn.env` does the same for a daphne."""
    if not shutil.which("turnserver"):
        skip_or_fail("coturn is not installed (apt-get install coturn)")
    turn = Coturn(media_network.host, media_network.subnet_prefix)
    settings.TURN_URLS = turn.urls
    settings.TURN_SECRET = turn.secret
    yield turn
    turn.stop()
