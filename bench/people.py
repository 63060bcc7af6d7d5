"""Owners and guests for the WebSocket benchmarks: sessions made in the database, real HTTP posts
and real `websockets` connections, with the cookies and Origin a browser would send."""

import asyncio
import secrets
import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect

# A CSRF secret of our own: the cookie and the X-CSRFToken header carry the same 32 characters,
# which Django accepts as it accepts a browser's.
CSRF = secrets.token_hex(16)


def session_key(data: dict) -> str:
    """A stored session holding `data` (a guest id, a logged-in user), as a browser would have."""
    return session_keys([data])[0]


def session_keys(datas: list[dict]) -> list[str]:
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    expires = timezone.now() + timedelta(days=1)
    store = SessionStore()
    sessions = [
        Session(
            session_key=secrets.token_hex(16), session_data=store.encode(data), expire_date=expires
        )
        for data in datas
    ]
    Session.objects.bulk_create(sessions, batch_size=500)
    return [session.session_key for session in sessions]


def owner_with_room(email: str) -> tuple[str, dict]:
    """A new owner with one locked room: their session key and the room's paths."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from rooms.models import Room

    owner = User.objects.create_user(email=email, password="bench-pass-1234", display_name=email)
    room = Room.create(owner, f"Room of {email}")
    login = {
        SESSION_KEY: str(owner.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: owner.get_session_auth_hash(),
    }
    return session_key(login), room_paths(room)


def another_room(email: str, name: str) -> dict:
    """One more locked room for an existing owner."""
    from accounts.models import User
    from rooms.models import Room

    return room_paths(Room.create(User.objects.get(email=email), name))


def room_paths(room) -> dict:
    lobby = room.participant_path
    return {
        "id": room.pk,
        "code": str(room.code),
        "join": f"{lobby}join/",
        "guest_stream": f"/ws{lobby}guest/",
    }


def waiting_guests(room_id: int, count: int, prefix: str) -> list[str]:
    """`count` guests waiting in the room, each with a session and a pending request."""
    from rooms.models import JoinRequest

    ids = [secrets.token_urlsafe(16) for _ in range(count)]
    keys = session_keys([{"guest_id": guest_id} for guest_id in ids])
    requests = [
        JoinRequest(room_id=room_id, guest_id=guest_id, display_name=f"{prefix} {n}")
        for n, guest_id in enumerate(ids)
    ]
    JoinRequest.objects.bulk_create(requests, batch_size=500)
    return keys


def cookies(session: str | None = None) -> str:
    jar = f"csrftoken={CSRF}"
    return f"{jar}; sessionid={session}" if session else jar


async def post(port: int, path: str, cookie: str, data: dict, **headers: str) -> tuple[int, dict]:
    """One POST on its own connection; returns the status and the cookies the response sets."""
    body = urlencode(data).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        f"Cookie: {cookie}",
        f"X-CSRFToken: {CSRF}",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
    ]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        response = await reader.read()
    finally:
        writer.close()
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    set_cookies = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            set_cookies[key] = rest.split(";", 1)[0]
    return int(head[0].split()[1]), set_cookies


async def open_socket(port: int, path: str, session: str) -> ClientConnection:
    return await connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookies(session)},
        max_size=None,
        open_timeout=60,
    )


async def open_sockets(port: int, paths_and_sessions: list[tuple[str, str]], at_once: int = 50):
    """Connects many sockets, `at_once` handshakes at a time, and waits for each one's snapshot."""
    gate = asyncio.Semaphore(at_once)

    async def one(path: str, session: str) -> ClientConnection:
        async with gate:
            socket = await open_socket(port, path, session)
            await asyncio.wait_for(socket.recv(), 60)  # the snapshot: it is listening now
            return socket

    return await asyncio.gather(*(one(path, session) for path, session in paths_and_sessions))


async def close_sockets(sockets: list[ClientConnection]) -> None:
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)


async def receive_until(socket: ClientConnection, text: str, timeout: float = 30) -> str:
    deadline = time.perf_counter() + timeout
    while True:
        message = await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.perf_counter()))
        if text in message:
            return message


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds."""
    ordered = sorted(latencies)
    if len(ordered) < 2:
        return (ordered[0] * 1000,) * 3 if ordered else (float("nan"),) * 3
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return statistics.median(ordered) * 1000, cuts[94] * 1000, cuts[98] * 1000
