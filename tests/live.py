"""Real daphne processes serving the test database, for browser and multi-process tests, and
a person's browser and sockets against them (no JavaScript: urllib and websockets)."""

import functools
import os
import re
import socket
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.conftest import PASSWORD, PATIENCE

ROOT = Path(settings.BASE_DIR)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database pytest-django created, for a server in another process."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{credentials}{host}/{db['NAME']}"


SECRET_KEY = "live-test-secret-key-" + "x" * 40


@functools.cache
def collected_static() -> Path:
    """STATIC_ROOT for live servers, collected once a run: with DEBUG off they serve only what
    collectstatic wrote (hashed names, gzip copies), as production does."""
    root = ROOT / "test-artifacts" / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear", "--verbosity=0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false", "SECRET_KEY": SECRET_KEY, "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


class LiveServer:
    """One daphne process on `host` (127.0.0.1, or a media namespace's host end); stop() ends
    it, and its log helps when a test fails. SITE_URL, and so ALLOWED_HOSTS, follow `host`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **env: str) -> None:
        self.host = host
        self.port = port or free_port(host)  # A port of its own, or one already chosen.
        self.url = f"http://{host}:{self.port}"
        self.log = ROOT / "test-artifacts" / f"daphne-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.environment = environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "SITE_URL": self.url,
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "STATIC_ROOT": str(collected_static()),
            **env,
        }
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            # manage.py serve: daphne with the access log that redacts link secrets.
            [sys.executable, "manage.py", "serve", "--bind", host, "--port", str(self.port)],
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.log.read_text()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"daphne did not start in {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen) -> None:
    """Ends a server the test started: SIGTERM, and SIGKILL if it lingers past 10 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browser:
    """A person's cookie jar against one server, posting forms with their CSRF token."""

    def __init__(self, server: LiveServer) -> None:
        self.server, self.cookies = server, CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url + path, timeout=PATIENCE) as response:
            return response.read().decode()

    def submit(self, page: str, path: str, data: dict) -> str:
        """Opens the page holding the form, then posts it, as a browser would."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(page))
        body = urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = Request(self.server.url + path, data=body, headers={"Referer": self.server.url})
        with self.opener.open(request, timeout=PATIENCE) as response:
            return response.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def signed_in_owner(server: LiveServer, owner) -> Browser:
    browser = Browser(server)
    login = {"username": owner.email, "password": PASSWORD}
    browser.submit("/accounts/login/", "/accounts/login/", login)
    return browser


def ask(server: LiveServer, room, name: str) -> Browser:
    guest = Browser(server)
    lobby = room.participant_path
    guest.submit(lobby, f"{lobby}join/", {"display_name": name})
    return guest


def open_stream(server: LiveServer, browser: Browser, path: str) -> ClientConnection:
    headers = {"Cookie": browser.cookie_header()}
    url = f"ws://127.0.0.1:{server.port}{path}"
    return connect(url, origin=server.url, additional_headers=headers, open_timeout=PATIENCE)


def until(stream: ClientConnection, *texts: str, timeout: float = PATIENCE) -> str:
    """The first message holding every text; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = stream.recv(timeout=max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            break
        if all(text in message for text in texts):
            return message
    raise AssertionError(f"no message with {texts!r} within {timeout}s")


def closes(stream: ClientConnection, timeout: float = PATIENCE) -> int | None:
    """The close code once the server ends the socket; fails if it stays open."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            stream.recv(timeout=max(0.1, deadline - time.monotonic()))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        pass
    raise AssertionError(f"the socket stayed open for {timeout}s")
