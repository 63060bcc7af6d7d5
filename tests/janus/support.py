"""A real Janus for tests, and a browser's side of its WebSocket API, enough to prove refusals.

Each JanusProcess renders deploy/janus's templates with free ports and a fresh admin secret into
test-artifacts/, where its log stays. Without the `janus` binary the tests skip, saying so;
REQUIRE_JANUS=1 (CI) makes that a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack

import pytest
from websockets.sync.client import connect

from tests.live import ROOT, free_port, stop_process

JANUS = shutil.which("janus")
ORIGIN = "http://127.0.0.1:8000"  # What our test "browsers" send; Janus refuses any other.


def require_janus() -> None:
    if JANUS:
        return
    message = "Janus is not installed (apt-get install -y janus)"
    if os.environ.get("REQUIRE_JANUS"):
        pytest.fail(f"REQUIRE_JANUS is set but {message}.")
    pytest.skip(f"{message}; REQUIRE_JANUS=1 refuses to skip.")


def load_render() -> Callable:
    spec = importlib.util.spec_from_file_location("render", ROOT / "deploy/janus/render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render


class JanusProcess:
    """One Janus on loopback; kill() and start() again for a crash and a restart. For browsers
    in a media test's namespace: `ws_ip` its host end, `origin` the app's, `interface` the
    namespace's host link (ICE candidates there only)."""

    def __init__(
        self,
        admin_secret: str = "",
        ws_ip: str = "127.0.0.1",
        origin: str = ORIGIN,
        interface: str = "lo",
    ) -> None:
        self.ws_ip = ws_ip
        self.admin_secret = admin_secret or secrets.token_urlsafe(24)
        self.process: subprocess.Popen | None = None
        for attempt in range(3):  # Another test run may take a free port before Janus binds it.
            self.ws_port, self.admin_port = free_port(), free_port()
            self.folder = ROOT / "test-artifacts" / f"janus-{self.ws_port}"
            load_render()(
                self.folder,
                admin_secret=self.admin_secret,
                ws_port=self.ws_port,
                admin_port=self.admin_port,
                ws_ip=ws_ip,
                allow_origin=origin,
                ice_enforce_list=interface,  # Media, if any, stays on this machine.
                server_name=f"test-janus-{self.ws_port}",
            )
            try:
                self.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self.url = f"ws://{ws_ip}:{self.ws_port}"
        self.admin_url = f"http://127.0.0.1:{self.admin_port}/admin"

    @classmethod
    def beside(cls, namespace, app_port: int) -> JanusProcess:
        """For browsers in a media namespace (tests/media.py): on its host end, ICE on its
        link only, taking WebSockets from the app's origin on `app_port` there."""
        return cls(
            ws_ip=namespace.host,
            origin=f"http://{namespace.host}:{app_port}",
            interface=namespace.host_link,
        )

    @property
    def app_env(self) -> dict[str, str]:
        """The environment of a daphne that uses this Janus as its only instance."""
        return {
            "JANUS_URL": self.url,
            "JANUS_ADMIN_URL": self.admin_url,
            "JANUS_ADMIN_SECRET": self.admin_secret,
        }

    @property
    def log(self):
        return self.folder / "janus.log"

    def start(self, timeout: float = 20) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [JANUS, "-F", str(self.folder), "-C", str(self.folder / "janus.jcfg")],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.answers():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Janus did not start:\n{self.log.read_text()[-3000:]}")

    def answers(self) -> bool:
        try:
            with socket.create_connection((self.ws_ip, self.ws_port), timeout=0.5):
                pass
            self.admin("info")
        except OSError:
            return False
        return True

    def admin(self, kind: str, path: str = "", **fields: object) -> dict:
        """A raw admin API request, for tests to look inside Janus."""
        body = {"janus": kind, "transaction": "t", "admin_secret": self.admin_secret, **fields}
        url = f"http://127.0.0.1:{self.admin_port}/admin{path}"
        http = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(http, timeout=5) as response:
            return json.loads(response.read())

    def videoroom(self, request: str, **fields: object) -> dict:
        reply = self.admin(
            "message_plugin",
            plugin="janus.plugin.videoroom",
            request={"request": request, **fields},
        )
        return reply["response"]

    def room_exists(self, janus_id: int) -> bool:
        return self.videoroom("exists", room=janus_id)["exists"]

    def tokens(self) -> set[str]:
        return {t["token"] for t in self.admin("list_tokens")["data"]["tokens"]}

    def kill(self) -> None:
        """A crash: no goodbye to anyone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)


class Refused(Exception):
    """Janus said no: `code` is its error code (403 core, 433 VideoRoom, ...)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code


def fake_offer(audio: bool = True) -> str:
    """An SDP offer Janus accepts and answers; no ICE candidate, so no media is ever sent."""
    fingerprint = ":".join(f"{b:02X}" for b in secrets.token_bytes(32))
    lines = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0"]
    lines += [
        "m=audio 9 UDP/TLS/RTP/SAVPF 111" if audio else "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 0.0.0.0",
        f"a=ice-ufrag:{secrets.token_hex(4)}",
        f"a=ice-pwd:{secrets.token_hex(12)}",
        f"a=fingerprint:sha-256 {fingerprint}",
        "a=setup:actpass",
        "a=mid:0",
        "a=sendonly",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2" if audio else "a=rtpmap:96 VP8/90000",
        "a=ssrc:1111 cname:test",
    ]
    return "\r\n".join(lines) + "\r\n"


class Browser:
    """What a page's Janus client sends over the WebSocket: a session, handles, joins."""

    def __init__(self, url: str, token: str | None, origin: str = ORIGIN) -> None:
        self.opened = ExitStack()
        self.ws = self.opened.enter_context(
            # Janus has its own keep-alive; events nobody reads must not stall the socket.
            connect(
                url,
                subprotocols=["janus-protocol"],
                origin=origin,
                open_timeout=5,
                ping_interval=None,
                max_queue=None,
            )
        )
        self.token = token
        self.session: int | None = None
        self.events: list[dict] = []

    def close(self) -> None:
        self.opened.close()

    def send(self, request: str, handle: int | None = None, **fields: object) -> dict:
        """One Janus API request; its reply (an event for a plugin's asynchronous requests)."""
        transaction = secrets.token_hex(6)
        body = {"janus": request, "transaction": transaction, **fields}
        if self.token is not None:
            body["token"] = self.token
        if self.session is not None:
            body["session_id"] = self.session
        if handle is not None:
            body["handle_id"] = handle
        self.ws.send(json.dumps(body))
        while True:
            reply = json.loads(self.ws.recv(timeout=10))
            # An ack comes first for a plugin message, and is the whole answer to a keep-alive.
            if reply.get("transaction") == transaction and (
                reply["janus"] != "ack" or request == "keepalive"
            ):
                break
            self.events.append(reply)
        if reply["janus"] == "error":
            raise Refused(reply["error"]["code"], reply["error"]["reason"])
        return reply

    def open(self) -> Browser:
        self.session = self.send("create")["data"]["id"]
        return self

    def attach(self) -> int:
        return self.send("attach", plugin="janus.plugin.videoroom")["data"]["id"]

    def message(self, handle: int, body: dict, jsep: dict | None = None) -> dict:
        reply = self.send("message", handle, body=body, **({"jsep": jsep} if jsep else {}))
        data = reply["plugindata"]["data"]
        if "error_code" in data:
            raise Refused(data["error_code"], data["error"])
        return data

    def join(self, room: int, token: str | None = None, display: str = "me") -> tuple[int, dict]:
        """Join as a publisher (a participant); the room's token defaults to the session's."""
        handle = self.attach()
        body = {"request": "join", "ptype": "publisher", "room": room, "display": display}
        body["token"] = self.token if token is None else token
        return handle, self.message(handle, body)

    def publish(self, handle: int, audio: bool = True) -> dict:
        return self.message(
            handle, {"request": "publish"}, {"type": "offer", "sdp": fake_offer(audio)}
        )

    def subscribe(self, room: int, feed: int, private_id: int | None = None) -> dict:
        handle = self.attach()
        body = {"request": "join", "ptype": "subscriber", "room": room, "streams": [{"feed": feed}]}
        if private_id is not None:
            body["private_id"] = private_id
        return self.message(handle, body)

    def event(self, matches: Callable[[dict], bool], timeout: float = 10) -> dict:
        """The first plugin event (already received or coming) whose data `matches`."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                data = event.get("plugindata", {}).get("data", {})
                if matches(data):
                    self.events.remove(event)
                    return data
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"No such event; got {self.events}")
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                continue
