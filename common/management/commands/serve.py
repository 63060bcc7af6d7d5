"""Runs daphne on settings.ASGI_APPLICATION with our access log, which never writes a room
link's secret."""

import sys

from daphne import cli
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from common.redact import RedactingAccessLog


class Command(BaseCommand):
    help = "Serve the ASGI application with daphne (HTTP and WebSockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: object, bind: str, port: int, **options: object) -> None:
        cli.AccessLogGenerator = RedactingAccessLog
        arguments = ["-b", bind, "-p", str(port), "--access-log", "-"]
        module, _, name = settings.ASGI_APPLICATION.rpartition(".")
        cli.CommandLineInterface().run([*arguments, f"{module}:{name}"])
        sys.stdout.flush()
