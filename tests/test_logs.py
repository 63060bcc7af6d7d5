"""Room link secrets never reach a log line."""

import logging

from common.redact import RedactingAccessLog, redact


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
    assert redact("GET /rooms/new/") == "GET /rooms/new/"


def test_the_access_log_redacts_secrets(tmp_path):
    from datetime import datetime

    path = tmp_path / "access.log"
    with path.open("w") as stream:
        RedactingAccessLog(stream).write_entry(
            "127.0.0.1", datetime.now(), "GET /r/x/s3cr3t/", 200, 10
        )
    assert "s3cr3t" not in path.read_text()
    assert "/r/x/[secret]/" in path.read_text()


def test_a_live_server_logs_room_links_without_their_secrets(transactional_db, alices_room):
    import urllib.request

    from tests.live import LiveServer

    server = LiveServer()
    try:
        with urllib.request.urlopen(server.url + alices_room.participant_path) as response:
            assert response.status == 200
    finally:
        server.stop()
    log = server.log.read_text()
    assert "/r/standup/[secret]/" in log
    assert alices_room.participant_secret not in log
