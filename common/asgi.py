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


def too_large(limit: int) -> bytes:
    return f"Request too large: at most {limit // (1024 * 1024)} MB.\n".encode()


class CappedBody:
    """Refuses a request body over `limit` bytes with a 413 before Django reads it.

    Django reads a whole body into memory, then a temporary file, before any view can refuse
    it: a 1.5 GB anonymous post to a missing page was stored in full. A declared
    Content-Length over the limit is refused at once; a chunked body (no length) is counted as
    it arrives and refused the moment it passes the limit, and Django sees a disconnect."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            return await self.refuse(send)
        received, refused = 0, False

        async def counted() -> dict:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    await self.refuse(send)
                    return {"type": "http.disconnect"}
            return {"type": "http.disconnect"} if refused else message

        async def unless_refused(message: dict) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, unless_refused)

    async def refuse(self, send) -> None:
        body = too_large(self.limit)
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
