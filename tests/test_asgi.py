"""The ASGI entry point: HTTP requests enter Django a bounded number at a time."""

import asyncio

from common.asgi import BoundedHTTP
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


def test_the_application_bounds_http():
    assert isinstance(application.application_mapping["http"], BoundedHTTP)
