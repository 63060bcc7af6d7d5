"""Two daphne processes sharing Redis and PostgreSQL, as in production behind a proxy: a guest
asking on one is seen at once by the owner whose WebSocket is connected to the other."""

import os
import re
import time
from contextlib import ExitStack
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.conf import settings
from websockets.sync.client import connect

from rooms.models import JoinRequest
from tests.conftest import PASSWORD
from tests.live import LiveServer

pytestmark = pytest.mark.skipif(
    not (
        os.environ.get("REDIS_URL")
        and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    ),
    reason="needs REDIS_URL and a postgres DATABASE_URL: two processes share only those",
)


class Browser:
    """A person's cookie jar against one server, posting forms with their CSRF token."""

    def __init__(self, server: LiveServer) -> None:
        self.server, self.cookies = server, CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url + path, timeout=10) as response:
            return response.read().decode()

    def submit(self, page: str, path: str, data: dict) -> str:
        """Opens the page holding the form, then posts it, as a browser would."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(page))
        body = urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = Request(self.server.url + path, data=body, headers={"Referer": self.server.url})
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


@pytest.fixture
def two_servers(transactional_db):
    first, second = LiveServer(), LiveServer()
    yield first, second
    first.stop()
    second.stop()


def receive_until(socket, text: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = socket.recv(timeout=max(0.1, deadline - time.monotonic()))
        if text in message:
            return message
    raise AssertionError(f"no message with {text!r} within {timeout}s")


def test_a_guest_asking_on_one_process_reaches_the_owner_on_the_other(
    two_servers, alice, alices_room
):
    first, second = two_servers
    owner = Browser(second)
    login = {"username": alice.email, "password": PASSWORD}
    owner.submit("/accounts/login/", "/accounts/login/", login)
    headers = {"Cookie": owner.cookie_header()}
    with connect(
        f"ws://127.0.0.1:{second.port}/ws/owner/", origin=second.url, additional_headers=headers
    ) as socket:
        assert "Dana" not in receive_until(socket, 'id="owner-requests"')
        guest = Browser(first)
        lobby = alices_room.participant_path
        guest.submit(lobby, f"{lobby}join/", {"display_name": "Dana"})
        pushed = receive_until(socket, "Dana")
    assert "1 guest waiting" in pushed
    assert JoinRequest.objects.get().display_name == "Dana"


def test_who_is_here_now_spans_both_processes(two_servers, bobs_room):
    with ExitStack() as stack:
        pat, quinn = (
            stack.enter_context(join_and_open_room(server, bobs_room, name))
            for server, name in zip(two_servers, ("Pat", "Quinn"), strict=True)
        )
        assert "Pat" in receive_until(pat, "Quinn")
        quinn.close()
        # Quinn's process removed Quinn's row; Pat's process pushes the shorter list.
        deadline = time.monotonic() + 10
        while "Quinn" in (message := pat.recv(timeout=max(0.1, deadline - time.monotonic()))):
            pass
        assert "Pat" in message


def join_and_open_room(server: LiveServer, room, name: str):
    person = Browser(server)
    lobby = room.participant_path
    person.submit(lobby, f"{lobby}join/", {"display_name": name})
    headers = {"Cookie": person.cookie_header()}
    url = f"ws://127.0.0.1:{server.port}/ws{lobby}room/"
    return connect(url, origin=server.url, additional_headers=headers)
