"""Two daphne processes sharing Redis and PostgreSQL, as in production behind a proxy: a guest
asking on one is seen at once by the owner whose WebSocket is connected to the other."""

import os
import time
from contextlib import ExitStack

import pytest
from django.conf import settings

from rooms.models import JoinRequest
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
        assert "Pat" in until(pat, "Quinn")
        quinn.close()
        # Quinn's process removed Quinn's row; Pat's process pushes the shorter list.
        deadline = time.monotonic() + 10
        while "Quinn" in (message := pat.recv(timeout=max(0.1, deadline - time.monotonic()))):
            pass
        assert "Pat" in message


def join_and_open_room(server: LiveServer, room, name: str):
    return open_stream(server, ask(server, room, name), f"/ws{room.participant_path}room/")
