"""Runs daphne on settings.ASGI_APPLICATION with our access log, which never writes a room
link's secret, with request bodies capped as they arrive, and with a graceful SIGTERM."""

import logging
import signal
import sys
import time

from daphne import cli, http_protocol
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from common import health
from common.asgi import too_large
from common.redact import RedactingAccessLog

logger = logging.getLogger(__name__)

# Close code for the WebSockets of a process that is stopping: "service restart". The pages
# reconnect on it (signalling.js, and htmx's ws extension), through the proxy to another process.
RESTARTING = 1012

# Seconds a refused client may go on sending (discarded) after its 413, so that closing on
# unread data does not reset the connection before the client has read the answer.
LINGER = 2


class CappedRequest(http_protocol.WebRequest):
    """daphne's request, refusing a body past MAX_REQUEST_BODY while it arrives.

    daphne (Twisted) stores a whole body, in memory and then a temporary file, before the
    application hears of the request: the ASGI cap (common.asgi.CappedBody) would see a 1.5 GB
    post only once all of it was stored. Here a declared length over the limit is answered 413
    at the headers, and a chunked body the moment its count passes the limit; what the client
    still sends is dropped unread."""

    limit = settings.MAX_REQUEST_BODY
    received, refused = 0, False

    def gotLength(self, length: int | None) -> None:
        if length is not None and length > self.limit:
            self.requestHeaders.removeHeader(b"Expect")  # No "100 Continue" after the 413.
            self.refuse()
        super().gotLength(0 if self.refused else length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > self.limit:
            self.refuse()
        else:
            super().handleContentChunk(data)

    def process(self):
        if not self.refused:
            return super().process()

    def refuse(self) -> None:
        self.refused = True
        channel, body = self.channel, too_large(self.limit)
        channel.dataReceived = lambda data: None
        channel.transport.write(
            b"HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"X-Content-Type-Options: nosniff\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        channel.transport.loseWriteConnection()
        from twisted.internet import reactor  # daphne installs the asyncio reactor first.

        reactor.callLater(LINGER, channel.transport.abortConnection)
        peer = channel.transport.getPeer()
        self.server.log_action(
            "http",
            "complete",
            {
                "path": channel._path.decode("ascii", "replace"),
                "status": 413,
                "method": channel._command.decode("ascii", "replace"),
                "client": f"{getattr(peer, 'host', '?')}:{getattr(peer, 'port', '?')}",
                "size": len(body),
            },
        )


class DrainingServer(Server):
    """daphne, stopping gracefully on SIGTERM (a deploy, systemd, a container's stop): it
    reports not ready (/healthz/ready 503), stops listening, so the proxy sends new requests
    to another process, closes every WebSocket with 1012 so the pages reconnect elsewhere, and
    stops once the requests in flight and the sockets' consumers have finished, or after
    settings.SHUTDOWN_GRACE seconds. A second SIGTERM (or SIGINT) stops at once."""

    def run(self) -> None:
        self.ports = []
        self.draining_since: float | None = None
        from twisted.internet import reactor

        reactor.callWhenRunning(self.install_sigterm)
        super().run()

    def listen_success(self, port) -> None:
        self.ports.append(port)
        super().listen_success(port)

    def install_sigterm(self) -> None:
        from twisted.internet import reactor

        def on_sigterm(signum: int, frame: object) -> None:
            reactor.callFromThread(self.stop if self.draining_since else self.drain)

        signal.signal(signal.SIGTERM, on_sigterm)

    def drain(self) -> None:
        self.draining_since = time.monotonic()
        health.begin_draining()
        for port in self.ports:
            port.stopListening()
        sockets = [p for p in self.connections if isinstance(p, WebSocketProtocol)]
        logger.warning("SIGTERM: draining %d connections", len(self.connections))
        for protocol in sockets:
            if protocol.state == protocol.STATE_OPEN:
                # The frame itself: autobahn's sendClose() allows only 1000 and 3000-4999.
                protocol.sendCloseFrame(code=RESTARTING, isReply=False)
        self.stop_when_done()

    def stop_when_done(self) -> None:
        from twisted.internet import reactor

        waited = time.monotonic() - self.draining_since
        # daphne's application checker drops a connection once it closed and its consumer or
        # view finished: what is left is still at work.
        busy = len(self.connections)
        if not busy or waited > settings.SHUTDOWN_GRACE:
            if busy:
                logger.warning("Stopping with %d connections still open", busy)
            self.stop()
        else:
            reactor.callLater(0.1, self.stop_when_done)


class Command(BaseCommand):
    help = "Serve the ASGI application with daphne (HTTP and WebSockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: object, bind: str, port: int, **options: object) -> None:
        cli.AccessLogGenerator = RedactingAccessLog
        http_protocol.WebRequest = CappedRequest  # daphne's factory builds requests by this name.
        cli.CommandLineInterface.server_class = DrainingServer
        arguments = ["-b", bind, "-p", str(port), "--access-log", "-"]
        module, _, name = settings.ASGI_APPLICATION.rpartition(".")
        cli.CommandLineInterface().run([*arguments, f"{module}:{name}"])
        sys.stdout.flush()
