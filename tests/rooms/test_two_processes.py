"""Two daphne processes sharing Redis and PostgreSQL, as in production behind a proxy: a guest
asking on one is seen at once by the owner whose WebSocket is connected to the other."""

import os
import time
from contextlib import ExitStack, contextmanager
from typing import NamedTuple

import pytest
from django.conf import settings
from websockets.sync.client import ClientConnection

from rooms.models import JoinRequest
from tests.conftest import PATIENCE
from tests.live import LiveServer, ask, open_stream, signed_in_owner, until

pytestmark = pytest.mark.skipif(
    not (
        os.environ.get("REDIS_URL")
        and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    ),
    reason="needs REDIS_URL and a postgres DATABASE_URL: two processes share only those",
)


@pytest.fixture
def two_servers(transactional_db):
    first, second = LiveServer(), LiveServer()
    yield first, second
    first.stop()
    second.stop()


def test_a_guest_asking_on_one_process_reaches_the_owner_on_the_other(
    two_servers, alice, alices_room
):
    first, second = two_servers
    owner = signed_in_owner(second, alice)
    with open_stream(second, owner, "/ws/owner/") as socket:
        assert "Dana" not in until(socket, 'id="owner-requests"')
        ask(first, alices_room, "Dana")
        pushed = until(socket, "Dana")
    assert "1 guest waiting" in pushed
    assert JoinRequest.objects.get().display_name == "Dana"


def test_who_is_here_now_spans_both_processes(two_servers, bobs_room):
    with ExitStack() as stack:
        pat, quinn = (
            stack.enter_context(join_and_open_room(server, bobs_room, name))
            for server, name in zip(two_servers, ("Pat", "Quinn"), strict=True)
        )
        assert "Pat" in until(pat.listed, "Quinn")
        quinn.meeting.close()
        # Quinn's process removed Quinn's row; Pat's process pushes the shorter list.
        deadline = time.monotonic() + PATIENCE
        left = max(0.1, deadline - time.monotonic())
        while "Quinn" in (message := pat.listed.recv(timeout=left)):
            left = max(0.1, deadline - time.monotonic())
        assert "Pat" in message


class InTheRoom(NamedTuple):
    meeting: ClientConnection
    listed: ClientConnection


@contextmanager
def join_and_open_room(server: LiveServer, room, name: str):
    """In the room on this server: the meeting socket (the person's presence) and the page's
    list of who is here, which is what the test reads."""
    person = ask(server, room, name)
    with (
        open_stream(server, person, f"/ws{room.participant_path}meeting/") as meeting,
        open_stream(server, person, f"/ws{room.participant_path}room/") as listed,
    ):
        yield InTheRoom(meeting, listed)
