"""`manage.py serve` on SIGTERM: it stops listening, closes its WebSockets with 1012 ("service
restart", on which the pages reconnect elsewhere), lets its consumers finish, and exits 0."""

import signal
import socket

import pytest
from websockets.exceptions import ConnectionClosed

from rooms.models import Presence
from tests.conftest import PATIENCE
from tests.live import LiveServer, open_stream, signed_in_owner, until

pytestmark = pytest.mark.django_db(transaction=True)


def test_sigterm_closes_every_socket_with_1012_and_exits_once_they_are_done(alice, alices_room):
    server = LiveServer()
    try:
        owner = signed_in_owner(server, alice)
        stream = open_stream(server, owner, "/ws/owner/")
        until(stream, 'id="owner-requests"')
        meeting = open_stream(
            server, owner, f"/ws/r/{alices_room.slug}/{alices_room.host_secret}/meeting/"
        )
        until(meeting, "welcome")
        assert Presence.objects.count() == 1
        server.process.send_signal(signal.SIGTERM)
        for socket_ in (stream, meeting):
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    socket_.recv(timeout=PATIENCE)
            assert closed.value.rcvd.code == 1012
        assert server.process.wait(timeout=PATIENCE) == 0
        # The meeting consumer finished before the exit: it removed its presence row.
        assert Presence.objects.count() == 0
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        assert "SIGTERM: draining" in server.log.read_text()
    finally:
        server.stop()
