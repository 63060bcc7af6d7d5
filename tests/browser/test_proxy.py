"""Production's shape, in a browser: nginx (deploy/nginx) in front of two daphne processes on
PostgreSQL and Redis in CI. A guest asks on one page and the owner decides on another, with
their sockets spread over both processes; each process is restarted in turn (SIGTERM: it
drains, its pages reconnect through nginx to the other) while the guest waits; the request is
still there and live on both pages, with no page reloaded by hand."""

import signal
from collections.abc import Iterator
from urllib.request import urlopen

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_waiting_room import ask_to_join
from tests.live import LiveServer, collected_static, free_port
from tests.proxy import Nginx, require_nginx


class Proxied:
    """nginx and its two daphne processes; `url` is nginx's, as the browsers see the site."""

    def __init__(self) -> None:
        self.ports = [free_port(), free_port()]
        self.nginx = Nginx(self.ports, collected_static(), settings.MEDIA_ROOT)
        self.url = self.nginx.url
        self.processes = [self.start(port) for port in self.ports]

    def start(self, port: int) -> LiveServer:
        return LiveServer(port=port, SITE_URL=self.url, BEHIND_PROXY="true")

    def restart(self, index: int) -> tuple[int, int]:
        """SIGTERM one process, wait for it to finish draining, start it again: its exit code,
        and how many WebSockets it closed as it drained."""
        old = self.processes[index]
        old.process.send_signal(signal.SIGTERM)
        code = old.process.wait(timeout=settings.SHUTDOWN_GRACE + 5)
        log = old.log.read_text()
        drained = log.split("SIGTERM: draining")[-1].count("WSDISCONNECT")
        self.processes[index] = self.start(self.ports[index])
        return code, drained

    def stop(self) -> None:
        for server in self.processes:
            server.stop()
        self.nginx.stop()


@pytest.fixture
def server(transactional_db) -> Iterator[Proxied]:
    require_nginx()
    proxied = Proxied()
    yield proxied
    proxied.stop()


def test_nginx_serves_hashed_static_files_for_a_year_and_passes_the_apps_headers(server):
    with urlopen(server.url + "/accounts/login/") as page:
        html = page.read().decode()
        assert page.headers["Content-Security-Policy"]
        assert page.headers["X-Content-Type-Options"] == "nosniff"
    stylesheet = html.split('href="/static/css/app.')[1].split('"')[0]
    with urlopen(f"{server.url}/static/css/app.{stylesheet}") as css:
        assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert css.headers["Server"] == "nginx"
    with urlopen(server.url + "/healthz/ready") as ready:
        assert ready.read() == b"ok\n"


def test_a_rolling_restart_keeps_a_waiting_guest_live_on_both_pages(
    new_context, alice, alices_room, server
):
    owner = log_in(new_context().new_page(), alice)
    dora = ask_to_join(new_context(), alices_room, "Dora")
    area = owner.locator("#owner-requests")
    expect(area.get_by_role("button", name="Allow Dora")).to_be_visible()
    for page in (owner, dora):
        page.evaluate("() => { window.sameDocument = true; }")

    # Each process in turn: whichever holds a page's sockets, they move at least once.
    restarts = [server.restart(index) for index in (0, 1)]
    assert [code for code, _ in restarts] == [0, 0]  # Drained and stopped of its own accord.
    assert sum(drained for _, drained in restarts) >= 2  # Both pages' sockets, once or twice.

    # Both pages reconnected by themselves: a new guest shows up live for the owner, and the
    # owner's Allow reaches Dora's page, which enters the room.
    ask_to_join(new_context(), alices_room, "Erin")
    expect(area.get_by_role("button", name="Allow Erin")).to_be_visible()
    area.get_by_role("button", name="Allow Dora").click()
    expect(dora.get_by_role("heading", name=alices_room.name, exact=True)).to_be_visible()
    assert owner.evaluate("() => window.sameDocument") is True
