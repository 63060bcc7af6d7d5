"""The ASGI entry point: HTTP requests enter Django a bounded number at a time, and a body over
the limit is refused before Django reads it."""

import asyncio

from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart

from common.asgi import BoundedHTTP, CappedBody
from rooms.forms import IMAGE_LIMITS
from session_rooms.asgi import application


async def test_http_requests_past_the_limit_wait_their_turn():
    inside, most, done = 0, 0, 0

    async def app(scope, receive, send) -> None:
        nonlocal inside, most, done
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        done += 1

    bounded = BoundedHTTP(app, 3)
    await asyncio.gather(*(bounded({"type": "http"}, None, None) for _ in range(10)))
    assert most == 3
    assert done == 10


def test_the_application_caps_bodies_then_bounds_http():
    http = application.application_mapping["http"]
    assert isinstance(http, CappedBody)
    assert http.limit == settings.MAX_REQUEST_BODY
    assert isinstance(http.app, BoundedHTTP)


class Reader:
    """An application that reads the whole body, as Django does, and answers 200."""

    def __init__(self) -> None:
        self.body, self.messages = b"", []

    async def __call__(self, scope, receive, send) -> None:
        while True:
            message = await receive()
            self.messages.append(message["type"])
            if message["type"] == "http.disconnect":
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})


async def post(app, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[list, int]:
    """Streams `chunks` as one request; what the server sent back, and the chunks it took."""
    scope = {"type": "http", "method": "POST", "path": "/nowhere/", "headers": headers}
    pending, sent = list(chunks), []

    async def receive() -> dict:
        if not pending:
            await asyncio.sleep(3600)  # The client is done; it waits for the answer.
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), 5)
    return sent, len(chunks) - len(pending)


async def test_a_declared_body_over_the_limit_is_refused_before_the_app_reads_any():
    reader = Reader()
    sent, taken = await post(
        CappedBody(reader, 100), [b"x" * 60] * 2, [(b"content-length", b"120")]
    )
    assert sent[0]["status"] == 413
    assert b"too large" in sent[1]["body"]
    assert taken == 0
    assert reader.messages == []


async def test_a_chunked_body_is_refused_the_moment_it_passes_the_limit():
    reader = Reader()
    sent, taken = await post(CappedBody(reader, 100), [b"x" * 40] * 10, [])
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert taken == 3  # 120 bytes: not one chunk more
    # The app heard a disconnect and sent nothing of its own.
    assert reader.messages == ["http.request", "http.request", "http.disconnect"]


async def test_a_body_at_the_limit_reaches_the_app_whole():
    reader = Reader()
    sent, _ = await post(CappedBody(reader, 100), [b"x" * 50] * 2, [(b"content-length", b"100")])
    assert sent[0]["status"] == 200
    assert reader.body == b"x" * 100


async def test_an_oversized_post_to_a_missing_page_is_refused_with_413():
    body = b"x" * (settings.MAX_REQUEST_BODY + 1)
    headers = [(b"host", b"127.0.0.1:8000"), (b"content-length", str(len(body)).encode())]
    communicator = HttpCommunicator(application, "POST", "/nowhere/", body=body, headers=headers)
    response = await communicator.get_response(timeout=10)
    assert response["status"] == 413


def test_the_limit_lets_the_largest_customize_post_through():
    images = {
        field: SimpleUploadedFile(f"{field}.png", b"\x89" * limit, "image/png")
        for field, limit in IMAGE_LIMITS.items()
    }
    fields = {
        "theme": "ocean",
        "button_color": "#1f7ae0",
        "lobby_title": "é" * 80,
        "lobby_message": "😀" * 1000,
        "lobby_layout": "split",
        "lobby_link_url": "https://example.com/" + "a" * 1900,
        "lobby_link_label": "x" * 40,
    }
    body = encode_multipart(BOUNDARY, {**fields, **images})
    assert len(body) <= settings.MAX_REQUEST_BODY
    # ...with room to spare for fields, but not a second copy of an image.
    assert settings.MAX_REQUEST_BODY - len(body) < max(IMAGE_LIMITS.values())
