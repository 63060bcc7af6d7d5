"""ASGI pieces any entry point may wrap around Django."""

import asyncio


class BoundedHTTP:
    """At most `limit` HTTP requests inside Django at once; the others wait in the event loop.

    Django gives each request its own thread and database connection: a burst of 500 asks to
    join opened hundreds of PostgreSQL connections and got "too many clients" (500 errors)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.gate = app, asyncio.Semaphore(limit)

    async def __call__(self, scope, receive, send) -> None:
        async with self.gate:
            await self.app(scope, receive, send)
