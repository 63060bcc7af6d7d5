"""A real daphne (manage.py serve) refuses a request body over MAX_REQUEST_BODY while it
arrives: it answers 413 before the client has sent it all, and stores none of it."""

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import PATIENCE
from tests.live import LiveServer

LIMIT = settings.MAX_REQUEST_BODY
PIECE = 64 * 1024
HUGE = 1536 * 1024 * 1024  # the 1.5 GB post that was once stored in full


@pytest.fixture(scope="module")
def server(django_db_blocker) -> Iterator[LiveServer]:
    with django_db_blocker.unblock():
        server = LiveServer()
    yield server
    server.stop()


def memory(server: LiveServer) -> int:
    """The server process's resident memory, in bytes."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
        * 1024
    )


def send_until_answered(
    server: LiveServer, head: bytes, pieces: Iterator[bytes]
) -> tuple[bytes, int]:
    """Sends the head, then pieces of body until the server answers; its answer and the body
    bytes that were sent."""
    sent = 0
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head)
        for piece in pieces:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        select.select([sock], [], [], 5)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer, sent


def head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


def test_a_declared_huge_body_is_answered_413_before_it_is_sent(server):
    before = memory(server)
    started = time.monotonic()
    answer, sent = send_until_answered(
        server,
        head("/nowhere/", f"Content-Length: {HUGE}", "Content-Type: application/octet-stream"),
        (b"x" * PIECE for _ in range(3 * LIMIT // PIECE)),
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"too large" in answer
    assert sent < LIMIT // 4  # answered at the headers, not after the body
    assert time.monotonic() - started < 5
    assert memory(server) - before < 20 * 1024 * 1024


def test_a_chunked_body_is_answered_413_once_it_passes_the_limit(server):
    before = memory(server)
    piece = b"%x\r\n%s\r\n" % (PIECE, b"x" * PIECE)
    answer, sent = send_until_answered(
        server,
        head("/nowhere/", "Transfer-Encoding: chunked"),
        (piece for _ in range(3 * LIMIT // PIECE)),
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    # Stopped at the limit (give or take the sockets' buffers), long before the end.
    assert LIMIT < sent < 2 * LIMIT
    assert memory(server) - before < 20 * 1024 * 1024


def test_a_body_at_the_limit_still_reaches_django(server):
    answer, sent = send_until_answered(
        server,
        head("/nowhere/", f"Content-Length: {LIMIT}", "Connection: close"),
        (b"x" * PIECE for _ in range(LIMIT // PIECE)),
    )
    assert sent == LIMIT
    assert answer.startswith(b"HTTP/1.1 404 "), answer[:200]


def test_the_refusal_is_in_the_access_log(server):
    send_until_answered(
        server, head("/r/standup/s3cr3t-link/join/", "Content-Length: 99999999999"), iter(())
    )
    deadline = time.monotonic() + PATIENCE
    while "413" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in server.log.read_text().splitlines() if " 413 " in line]
    assert any("POST /r/standup/[secret]/join/" in line for line in lines), lines
    assert "s3cr3t-link" not in server.log.read_text()
