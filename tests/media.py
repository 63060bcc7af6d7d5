"""Real media in tests: browsers in a network namespace of their own, coturn, and media checks.

Chromium gathers no ICE candidates on loopback, and left alone it announces mDNS names and
multicasts onto the real network. So media tests run their browsers inside a network namespace
the test creates, joined to this machine by a veth pair on a /24 of 10.99.0.0/16 that nothing
else uses; forwarding is off on the veth, so nothing the browsers send leaves this machine.
Servers (daphne, coturn, Janus) listen on the host end of the veth.

Fixtures (tests/browser/media/conftest.py; every test under tests/browser/media/ gets them):

- `media_network` (session): the `Namespace`: `.host` (10.99.N.1, where servers listen),
  `.inner` (10.99.N.2, the browsers), `.subnet_prefix` ("10.99.N.").
- `browser`, `server`, `new_context`, `page`, `signed_in`: the same names as in
  tests/browser/conftest.py, but Chromium (one per test) runs inside the namespace with a fake
  camera and microphone, the app is served on `media_network.host` as a secure origin, and
  every context may use the camera and microphone and records its RTCPeerConnections.
- `server_env`: extra environment for that daphne ({} unless a test module overrides it).
- `coturn`: a `Coturn` on the host end with a fresh secret; this process's settings point
  TURN at it, and `coturn.env` does the same for a daphne (`server_env`).

Helpers (plain functions here, for any page, mesh or Janus, that uses RTCPeerConnection):

- `video_frames(video)`, `wait_for_frames_growing(video, by=10)`: decoded frames of a <video>.
- `has_live_audio(media)`, `wait_for_sound(media)`, `wait_for_silence(media)`: a live audio
  track, sound in it, or none for a while (muted).
- `peer_stats(page)`, `ice_candidates(page)`, `described_candidates(page)`,
  `selected_pairs(page)`, `candidate_errors(page)`: what the page's RTCPeerConnections report
  (getStats, their descriptions, icecandidateerror), whoever created them.

Waits poll a condition and fail with what they saw; none is a fixed sleep. `wait_for(page,
check, describe, timeout)` is the one they share: use it (or `expect`) rather than
`page.wait_for_function`, whose polling uses eval(), refused by the app's CSP. For example:

    @pytest.fixture
    def server_env(coturn):  # only for tests that want TURN in the page
        return coturn.env

    def test_alice_sees_bob(new_context, bobs_room, media_network):
        alice, bob = new_context().new_page(), new_context().new_page()
        ...  # both join bobs_room
        wait_for_frames_growing(alice.get_by_role("figure", name="Bob").locator("video"))
        wait_for_sound(alice.get_by_role("figure", name="Bob").locator("video"))
        assert {c["address"] for c in ice_candidates(alice)} == {media_network.inner}
"""

import contextlib
import fcntl
import os
import random
import secrets
import shutil
import socket
import string
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator, Page

from tests.live import ROOT, free_port, stop_process

ARTIFACTS = ROOT / "test-artifacts"
COTURN_TEMPLATE = ROOT / "deploy" / "coturn" / "turnserver.conf"
# Choosing a subnet and claiming it happen under this lock: several test runs start at once.
SUBNET_LOCK = Path("/run/lock") if Path("/run/lock").is_dir() else Path("/tmp")

IP = shutil.which("ip") or "/usr/sbin/ip"
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # Real addresses in candidates instead of mDNS names, which would go out as multicast.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    # No user gesture in tests before audio plays (an AudioContext, a remote <video>).
    "--autoplay-policy=no-user-gesture-required",
]


class NetnsUnavailable(Exception):
    """This machine (or this user) may not create network namespaces."""


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def ip(*arguments: str) -> str:
    return run(IP, *arguments)


@dataclass
class Namespace:
    """A network namespace with a veth pair to this machine: `host` here, `inner` inside.

    Inside: `lo` up, `inner`/24 and a default route through `host`; no IPv6. Here: forwarding
    off on the veth, so packets from inside reach this machine's own addresses and nothing
    beyond it. `close()` removes both (a test run that dies leaves a namespace named after its
    pid: `ip netns list`)."""

    name: str
    host_link: str
    subnet: int
    closed: bool = field(default=False, init=False)

    @classmethod
    def create(cls) -> "Namespace":
        """Named `<MEDIA_NETNS_PREFIX or sr-media>-<pid>-<random>`; links `srh…` and `srn…`."""
        if not Path(IP).exists():
            raise NetnsUnavailable("the `ip` command (iproute2) is not installed")
        token = secrets.token_hex(3)
        name = f"{os.environ.get('MEDIA_NETNS_PREFIX', 'sr-media')}-{os.getpid()}-{token}"
        try:
            ip("netns", "add", name)
        except subprocess.CalledProcessError as error:
            raise NetnsUnavailable(f"`ip netns add` failed: {error.stderr.strip()}") from None
        namespace = cls(name=name, host_link=f"srh{token}", subnet=-1)
        try:
            namespace.connect(inner_link=f"srn{token}")
        except BaseException:
            namespace.close()
            raise
        return namespace

    @property
    def subnet_prefix(self) -> str:
        return f"10.99.{self.subnet}."

    @property
    def host(self) -> str:
        return f"{self.subnet_prefix}1"

    @property
    def inner(self) -> str:
        return f"{self.subnet_prefix}2"

    def connect(self, inner_link: str) -> None:
        ip("link", "add", self.host_link, "type", "veth", "peer", "name", inner_link)
        sysctl(f"net/ipv6/conf/{self.host_link}/disable_ipv6", "1")
        sysctl(f"net/ipv4/conf/{self.host_link}/forwarding", "0")
        ip("link", "set", inner_link, "netns", self.name)
        self.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        with claimed_subnet_lock():
            self.subnet = unused_subnet()
            ip("addr", "add", f"{self.host}/24", "dev", self.host_link)
        ip("link", "set", self.host_link, "up")
        ip("-n", self.name, "addr", "add", f"{self.inner}/24", "dev", inner_link)
        ip("-n", self.name, "link", "set", "lo", "up")
        ip("-n", self.name, "link", "set", inner_link, "up")
        ip("-n", self.name, "route", "add", "default", "via", self.host)
        self.assert_nothing_leaves()

    def exec(self, *command: str) -> str:
        return run(IP, "netns", "exec", self.name, *command)

    def assert_nothing_leaves(self) -> None:
        """Packets from inside are not forwarded past this machine, and IPv6 is off on both ends.

        Per interface, not the global switch: writing net.ipv4.ip_forward resets every
        interface's value, so this is also the check that nobody turned forwarding on since."""
        forwarding = sysctl(f"net/ipv4/conf/{self.host_link}/forwarding")
        assert forwarding == "0", f"IP forwarding is on for {self.host_link}"
        ipv6_off = sysctl(f"net/ipv6/conf/{self.host_link}/disable_ipv6")
        assert ipv6_off == "1", f"IPv6 is on for {self.host_link}"
        inside = self.exec("ip", "-o", "addr").splitlines()
        addresses = [line.split()[3] for line in inside if " inet" in line]
        assert sorted(addresses) == sorted(["127.0.0.1/8", f"{self.inner}/24"]), inside

    def chromium_wrapper(self, chromium: str, directory: Path) -> Path:
        """An executable that starts Chromium inside the namespace (Playwright's executable_path).

        `exec` all the way down keeps Playwright's pipe (fds 3 and 4) and makes Chromium the
        process Playwright started, so closing the browser ends it."""
        wrapper = directory / f"chromium-in-{self.name}"
        wrapper.write_text(f'#!/bin/sh\nexec {IP} netns exec {self.name} {chromium} "$@"\n')
        wrapper.chmod(0o755)
        return wrapper

    def close(self) -> None:
        """Removes the veth pair and the namespace; the processes inside must be gone first."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(subprocess.CalledProcessError):
            ip("link", "del", self.host_link)
        ip("netns", "del", self.name)


def sysctl(key: str, value: str | None = None) -> str:
    """Reads (or first writes) a kernel setting of this machine's network namespace."""
    path = Path("/proc/sys", key)
    if value is not None:
        path.write_text(value)
    return path.read_text().strip()


@contextlib.contextmanager
def claimed_subnet_lock() -> Iterator[None]:
    with (SUBNET_LOCK / "session-rooms-media-subnets.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def unused_subnet() -> int:
    """A third octet N such that no interface here has an address or route in 10.99.N.0/24."""
    used = ip("-o", "-4", "addr") + ip("-4", "route")
    free = [n for n in range(1, 255) if f"10.99.{n}." not in used]
    if not free:
        raise RuntimeError("every /24 of 10.99.0.0/16 is in use on this machine")
    return random.choice(free)


# Every RTCPeerConnection a page creates is kept in window.__peerConnections, with the ICE
# candidate errors it reported, so tests read the stats of pages that expose nothing.
RECORD_PEER_CONNECTIONS = """
(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || Original.__recorded) return;
  window.__peerConnections = [];
  window.__candidateErrors = [];
  class Recorded extends Original {
    constructor(...args) {
      super(...args);
      window.__peerConnections.push(this);
      this.addEventListener("icecandidateerror", (event) => window.__candidateErrors.push({
        url: event.url, errorCode: event.errorCode, errorText: event.errorText}));
    }
  }
  Recorded.__recorded = true;
  window.RTCPeerConnection = Recorded;
})();
"""


def record_peer_connections(context: BrowserContext) -> None:
    """Makes every page of `context` keep its RTCPeerConnections for `peer_stats` and friends."""
    context.add_init_script(RECORD_PEER_CONNECTIONS)


def video_frames(video: Locator) -> int:
    """Frames the <video> has decoded so far (0 before it plays)."""
    return video.evaluate("v => v.getVideoPlaybackQuality().totalVideoFrames")


def wait_for(page: Page, check, describe, timeout: float) -> None:
    """Polls `check()` until it is true, or fails with `describe()` after `timeout` seconds.

    For conditions in a page of the app, instead of `page.wait_for_function`: that one re-runs
    its predicate with eval(), which the app's Content-Security-Policy refuses."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout}s: {describe()}")
        page.wait_for_timeout(100)


def wait_for_frames_growing(video: Locator, by: int = 10, timeout: float = 10) -> int:
    """Waits until the <video> decodes `by` more frames; returns the frame count then.

    Live video keeps decoding; a frozen or black-holed stream stops, and this fails."""
    start = video_frames(video)
    frames = [start]

    def grown() -> bool:
        frames.append(video_frames(video))
        return frames[-1] >= start + by

    wait_for(video.page, grown, lambda: f"frames went {start} -> {frames[-1]}, not +{by}", timeout)
    return frames[-1]


def has_live_audio(media: Locator) -> bool:
    """The element plays a stream with an audio track that is live, enabled and receiving."""
    return media.evaluate(
        """m => !!m.srcObject && m.srcObject.getAudioTracks().some(
            t => t.readyState === "live" && t.enabled && !t.muted)"""
    )


# An analyser on the element's stream, sampled every 20 ms: __loudAt is when it last heard more
# than LOUD (performance.now() milliseconds), __listeningSince when it started.
LOUD = 0.01
LISTEN = """(m, loud) => {
  if (!m.srcObject) throw new Error(`${m.outerHTML.slice(0, 80)} plays no stream`);
  if (m.__listeningSince === undefined) {
    m.__listeningSince = performance.now();
    m.__loudAt = null;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(m.srcObject).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const listen = () => {
      analyser.getFloatTimeDomainData(samples);
      if (samples.some(sample => Math.abs(sample) > loud)) m.__loudAt = performance.now();
      if (m.isConnected) setTimeout(listen, 20);
    };
    listen();
  }
  return performance.now();
}"""


def wait_for_sound(media: Locator, timeout: float = 10) -> None:
    """Waits until the <audio>/<video> element's stream carries sound (Chromium's fake
    microphone beeps about once a second); fails on silence. Listens to the stream the element
    plays at its first call."""
    asked = media.evaluate(LISTEN, LOUD)
    wait_for(
        media.page,
        lambda: media.evaluate("(m, asked) => m.__loudAt !== null && m.__loudAt >= asked", asked),
        lambda: "no sound",
        timeout,
    )


def wait_for_silence(media: Locator, quiet_for: float = 2, timeout: float = 10) -> None:
    """Waits until the element's stream has been silent for `quiet_for` seconds on end (longer
    than the fake microphone's pause between beeps), as after the sender mutes."""
    media.evaluate(LISTEN, LOUD)
    quiet = "(m, ms) => performance.now() - Math.max(m.__loudAt || 0, m.__listeningSince) >= ms"
    wait_for(
        media.page,
        lambda: media.evaluate(quiet, quiet_for * 1000),
        lambda: f"still sound within the last {quiet_for}s",
        timeout,
    )


def peer_stats(page: Page) -> list[list[dict]]:
    """getStats() of each RTCPeerConnection the page created (needs `record_peer_connections`)."""
    return page.evaluate(
        """() => Promise.all((window.__peerConnections || []).map(
            async pc => [...(await pc.getStats()).values()]))"""
    )


def ice_candidates(page: Page) -> list[dict]:
    """Every local and remote ICE candidate of the page's peer connections, from their stats:
    dicts with `type` ("local-candidate"/"remote-candidate"), `address`, `port`, `protocol`,
    `candidateType` ("host", "srflx", "relay")."""
    return [
        stat
        for stats in peer_stats(page)
        for stat in stats
        if stat["type"] in {"local-candidate", "remote-candidate"}
    ]


def described_candidates(page: Page) -> list[str]:
    """The a=candidate lines of every local and remote description of the page's peer
    connections: what was signalled, including candidates that never made a pair."""
    return page.evaluate(
        """() => (window.__peerConnections || [])
            .flatMap(pc => [pc.localDescription, pc.remoteDescription])
            .flatMap(description => description ? description.sdp.split("\\r\\n") : [])
            .filter(line => line.startsWith("a=candidate:"))"""
    )


def selected_pairs(page: Page) -> list[tuple[dict, dict]]:
    """The (local, remote) candidates each connected peer connection sends media through."""
    pairs = []
    for stats in peer_stats(page):
        by_id = {stat["id"]: stat for stat in stats}
        for transport in (s for s in stats if s["type"] == "transport"):
            pair = by_id.get(transport.get("selectedCandidatePairId"))
            if pair:
                pairs.append((by_id[pair["localCandidateId"]], by_id[pair["remoteCandidateId"]]))
    return pairs


def candidate_errors(page: Page) -> list[dict]:
    """The icecandidateerror events of the page's peer connections (`url`, `errorCode`, e.g. 401
    when a TURN server refuses the credentials)."""
    return page.evaluate("() => window.__candidateErrors || []")


def free_udp_and_tcp_port(host: str) -> int:
    """A port free for both UDP and TCP on `host` (TURN listens on both)."""
    for _ in range(50):
        port = free_port(host)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no port free for UDP and TCP on {host}")


class Coturn:
    """Debian's `turnserver`, from deploy/coturn/turnserver.conf filled in for one test.

    Listens and relays on `host` (a namespace's host end) with a fresh `secret` for the TURN
    REST API credentials (use-auth-secret); relays only to peers on `subnet_prefix`*. `urls` is
    what TURN_URLS gets. The log is in test-artifacts/ to read when a test fails."""

    def __init__(self, host: str, subnet_prefix: str) -> None:
        self.host = host
        self.port = free_udp_and_tcp_port(host)
        self.secret = secrets.token_urlsafe(32)
        self.urls = [f"turn:{host}:{self.port}?transport=udp"]
        self.directory = ARTIFACTS / f"coturn-{host}-{self.port}"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = self.directory / "turnserver.log"
        config = self.directory / "turnserver.conf"
        config.write_text(self.config(subnet_prefix))
        self.process = subprocess.Popen(
            ["turnserver", "-c", str(config)],
            stdout=(self.directory / "stdout.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        self.wait_until_ready()

    @property
    def env(self) -> dict[str, str]:
        """The settings that point a daphne's `rooms.ice.ice_servers` here (`server_env`)."""
        return {"TURN_URLS": ",".join(self.urls), "TURN_SECRET": self.secret}

    def config(self, subnet_prefix: str) -> str:
        configuration = string.Template(COTURN_TEMPLATE.read_text()).substitute(
            listening_ip=self.host,
            relay_ip=self.host,
            port=self.port,
            realm="session-rooms.test",
            secret=self.secret,
            log_file=self.log,
        )
        # The test's own peers only: both browsers are inside the namespace, and their relayed
        # candidates are on `host` itself.
        return configuration + "\n".join(
            [
                "",
                "# Added by the tests:",
                "no-tls",
                "no-dtls",
                f"pidfile={self.directory / 'turnserver.pid'}",
                f"userdb={self.directory / 'turndb'}",
                "denied-peer-ip=0.0.0.0-255.255.255.255",
                f"allowed-peer-ip={subnet_prefix}0-{subnet_prefix}255",
                "",
            ]
        )

    def wait_until_ready(self, timeout: float = 15) -> None:
        """Until it answers a STUN Binding request on its UDP port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"turnserver exited early:\n{self.log_text()}")
            if stun_binding_answered(self.host, self.port):
                return
        self.stop()
        raise RuntimeError(f"turnserver did not answer in {timeout}s:\n{self.log_text()}")

    def log_text(self) -> str:
        logs = [self.log, self.directory / "stdout.log"]
        return "\n".join(path.read_text() for path in logs if path.exists())

    def stop(self) -> None:
        stop_process(self.process)


def stun_binding_answered(host: str, port: int) -> bool:
    """Sends one STUN Binding request (RFC 5389) and says whether a success response came."""
    transaction = secrets.token_bytes(12)
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(0.3)
        try:
            udp.sendto(request, (host, port))
            response, _ = udp.recvfrom(2048)
        except OSError:
            return False
    return response[:2] == b"\x01\x01" and response[8:20] == transaction
