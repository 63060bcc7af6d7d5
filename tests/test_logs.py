"""No secret reaches a log line: room link secrets and password-reset tokens, in paths,
messages and tracebacks, with DEBUG on or off, from Django and from daphne."""

import logging
import sys
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import urlsafe_base64_encode
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from common.redact import RedactingAccessLog, RedactLinkSecrets, redact
from tests.helpers import open_stream


def test_a_404_on_a_room_link_is_logged_without_its_secret(client, alices_room, caplog):
    secret = alices_room.participant_secret
    with caplog.at_level(logging.WARNING):
        client.get(f"/r/standup/{secret}x/")
    assert "Not Found" in caplog.text
    assert secret not in caplog.text


def test_redact_hides_link_and_websocket_secrets():
    assert redact("GET /r/standup/abcDEF_123-xyz/room/") == "GET /r/standup/[secret]/room/"
    assert (
        redact("WSCONNECT /ws/r/standup/abc123/guest/") == "WSCONNECT /ws/r/standup/[secret]/guest/"
    )
    assert redact("No route found for path 'r/standup/abc123/'.") == (
        "No route found for path 'r/standup/[secret]/'."
    )
    assert redact("GET /rooms/new/") == "GET /rooms/new/"


def test_redact_hides_password_reset_tokens():
    assert redact("GET /accounts/password/reset/MQ/cx1q-8f3a9b/") == (
        "GET /accounts/password/reset/MQ/[secret]/"
    )
    # The pages around it carry no token and stay readable.
    for path in ("reset/MQ/set-password/", "reset/done/", "reset/sent/", "reset/"):
        assert redact(f"GET /accounts/password/{path}") == f"GET /accounts/password/{path}"


def test_a_traceback_is_logged_without_the_secret_its_message_holds():
    try:
        raise ValueError("No route found for path 'r/standup/s3cr3t/'.")
    except ValueError:
        record = logging.makeLogRecord(
            {"msg": "Exception inside application: %s", "args": ("r/standup/s3cr3t/",)}
        )
        record.exc_info = sys.exc_info()
    assert RedactLinkSecrets().filter(record)
    line = logging.Formatter().format(record)
    assert "ValueError" in line
    assert "s3cr3t" not in line


def test_every_handler_of_every_logger_redacts():
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    handlers = {
        handler
        for logger in loggers
        for handler in getattr(logger, "handlers", [])
        if not type(handler).__module__.startswith("_pytest")
    }
    assert handlers
    unfiltered = [
        handler
        for handler in handlers
        if not any(isinstance(f, RedactLinkSecrets) for f in handler.filters)
    ]
    assert unfiltered == []


def test_the_access_log_redacts_secrets(tmp_path):
    from datetime import datetime

    path = tmp_path / "access.log"
    with path.open("w") as stream:
        RedactingAccessLog(stream).write_entry(
            "127.0.0.1", datetime.now(), "GET /r/x/s3cr3t/", 200, 10
        )
    assert "s3cr3t" not in path.read_text()
    assert "/r/x/[secret]/" in path.read_text()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_to_a_room_link_without_ws_is_refused_without_a_traceback(
    alices_room, caplog
):
    secret = alices_room.participant_secret
    with caplog.at_level(logging.DEBUG):
        communicator, connected = await open_stream(f"/r/standup/{secret}/")
        await communicator.disconnect()
    assert not connected
    assert secret not in caplog.text
    assert "Traceback" not in caplog.text


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def fetch(url: str) -> int:
    """The status of a GET, redirects not followed."""
    try:
        with urllib.request.build_opener(NoRedirects).open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_live_server_logs_no_secret_in_any_mode(transactional_db, alice, alices_room, debug):
    from tests.live import LiveServer

    secret, host_secret = alices_room.participant_secret, alices_room.host_secret
    server = LiveServer(DEBUG=debug)
    tokens = PasswordResetTokenGenerator()
    tokens.secret = server.environment["SECRET_KEY"]  # a token that server accepts
    token = tokens.make_token(alice)
    uid = urlsafe_base64_encode(str(alice.pk).encode())
    try:
        assert fetch(server.url + alices_room.participant_path) == 200
        assert fetch(f"{server.url}/r/standup/{secret}x/") == 404  # Django logs "Not Found"
        assert fetch(f"{server.url}/r/standup/{host_secret}/room/") in (200, 302)
        # A valid token: Django keeps it in the session and redirects to set-password/.
        assert fetch(f"{server.url}/accounts/password/reset/{uid}/{token}/") == 302
        assert fetch(f"{server.url}/ws/r/standup/{secret}/room/") == 404  # HTTP on a socket path
        for path in (f"/r/standup/{secret}/", f"/ws/r/standup/{secret}/nowhere/"):
            with pytest.raises(InvalidStatus):
                connect(f"ws://127.0.0.1:{server.port}{path}", origin=server.url).close()
    finally:
        server.stop()
    log = server.log.read_text()
    assert "/r/standup/[secret]/" in log
    assert f"/accounts/password/reset/{uid}/[secret]/" in log
    assert "Not Found" in log
    for leaked in (secret, host_secret, token):
        assert leaked not in log
    assert "Traceback" not in log
