"""The meeting in real browsers: join to first remote frame, signalling per join, daphne's CPU
per meeting minute, and each person's browser CPU and uplink as the mesh grows.

Chromium gathers no ICE candidates on loopback and would multicast mDNS names onto the real
network, so, as in the media tests, every browser runs inside a network namespace of this run
and daphne listens on the namespace's host end (`Server(host=...)`), an origin the browsers
treat as secure so that getUserMedia works. The namespace and its Chromium wrapper are
tests/media.py's `Namespace`, imported rather than copied: it is the one place that checks
nothing leaves this machine (forwarding off on the veth, no IPv6, only the namespace's
addresses inside), and a second copy for the bench could drift from those checks. The bare
two-peer baseline is tests/browser/media/peers.py's, on the same harness page (bench/urls.py
routes it), for the same reason. Needs root (`ip netns add`) and Chromium; without either the
suite prints "skipped: ..." and the other suites run as usual.

One Chromium per person (its own processes, so its CPU is that person's), each person a fresh
browser context that joins through the lobby as a guest of an unlocked room, as a person
would. Times are wall clock in the joining page: Date.now() right before the click on "Join
room", and performance.timeOrigin + the `now` of requestVideoFrameCallback on the first
<video> showing a remote stream (one whose tracks an RTCPeerConnection receives).
"""

import os
import signal
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.people import percentiles
from bench.server import Server

TARGETS_MS = {2: 1000, 4: 1500}  # p95 from Join to the first remote frame, on loopback.
JOIN_SIZES = (2, 4)
MESH_SIZES = (2, 3, 4, 5, 6)
TIMEOUT = 60  # s for any one wait: six browsers share two cores here.
FRAME_TIMEOUT = 30  # s from a click to the first remote frame before the join counts as failed.
TROUBLE = Path(__file__).resolve().parent.parent / "test-artifacts" / "bench-meeting.log"

# Every <video> that gets a stream records its first presented frame in window.__frames:
# `at` (wall-clock ms), `remote` (an RTCPeerConnection receives its tracks), the stream's id.
# __firstRemoteFrame is the earliest remote one. Needs RECORD_PEER_CONNECTIONS before it.
RECORD_FIRST_FRAMES = """
(() => {
  if (window.__frames) return;
  window.__frames = [];
  window.__firstRemoteFrame = null;
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, "srcObject");
  const received = (stream) => {
    const ids = new Set(stream.getTracks().map((t) => t.id));
    return (window.__peerConnections || []).some((pc) =>
      pc.getReceivers().some((r) => r.track && ids.has(r.track.id)));
  };
  const watch = (video, stream) => {
    if (!video.requestVideoFrameCallback) return;
    video.requestVideoFrameCallback((now) => {
      const at = performance.timeOrigin + now;
      const remote = received(stream);
      window.__frames.push({ at, remote, stream: stream.id });
      if (remote && window.__firstRemoteFrame === null) window.__firstRemoteFrame = at;
    });
  };
  Object.defineProperty(HTMLMediaElement.prototype, "srcObject", {
    configurable: true,
    enumerable: srcObject.enumerable,
    get() { return srcObject.get.call(this); },
    set(value) {
      srcObject.set.call(this, value);
      if (value && this instanceof HTMLVideoElement) watch(this, value);
    },
  });
})();
"""

# Frames and payload bytes each WebSocket of the page sends and receives, in window.__sockets
# by the last segment of its path ("meeting", "room", "host"): what passes through the server.
COUNT_SOCKETS = """
(() => {
  const Original = window.WebSocket;
  if (!Original || Original.__counted) return;
  window.__sockets = {};
  const encoder = new TextEncoder();
  const size = (data) => typeof data === "string" ? encoder.encode(data).length
    : (data.byteLength ?? data.size ?? 0);
  const counter = (url) => {
    const kind = new URL(url, location.href).pathname.split("/").filter(Boolean).pop();
    return window.__sockets[kind] ??= { sent: 0, sentBytes: 0, received: 0, receivedBytes: 0 };
  };
  class Counted extends Original {
    constructor(url, protocols) {
      super(url, protocols);
      const count = counter(url);
      this.addEventListener("message", (event) => {
        count.received += 1;
        count.receivedBytes += size(event.data);
      });
    }
    send(data) {
      const count = counter(this.url);
      count.sent += 1;
      count.sentBytes += size(data);
      return super.send(data);
    }
  }
  Counted.__counted = true;
  window.WebSocket = Counted;
})();
"""

CLICK_JOIN = "button => { const clicked = Date.now(); button.click(); return clicked; }"
REMOTE_STREAMS = "() => new Set(window.__frames.filter(f => f.remote).map(f => f.stream)).size"
FIRST_REMOTE = "() => window.__firstRemoteFrame"
REMOTE_SINCE = "since => window.__frames.some(f => f.remote && f.at >= since)"
CONNECTED = """() => (window.__peerConnections || [])
    .filter(pc => pc.connectionState === "connected").length"""
TILES = "() => document.querySelectorAll('figure.video-tile:not(.is-screen)').length"

# Where a join's time went: wall-clock ms of each step in the joiner's room page (its navigation
# timing, and the marks meeting.js and mesh.js set the first time they get to a step).
PHASES = (
    ("response", "room page's response"),
    ("ready", "page parsed (DOMContentLoaded)"),
    ("meeting:socket-open", "meeting socket open"),
    ("meeting:welcome", "welcome (peer id, media)"),
    ("meeting:devices", "camera and microphone open"),
    ("negotiation", "first offer sent or received"),
    ("mesh:connected", "first connection connected"),
)
READ_PHASES = """() => {
  const origin = performance.timeOrigin;
  const nav = performance.getEntriesByType("navigation")[0];
  const at = (name) => {
    const mark = performance.getEntriesByName(name, "mark")[0];
    return mark ? origin + mark.startTime : null;
  };
  const offers = [at("mesh:offer"), at("mesh:offer-in")].filter((t) => t !== null);
  const phases = { response: origin + nav.responseEnd, ready: origin + nav.domContentLoadedEventEnd,
    negotiation: offers.length ? Math.min(...offers) : null };
  for (const name of ["meeting:socket-open", "meeting:welcome", "meeting:devices"])
    phases[name] = at(name);
  phases["mesh:connected"] = at("mesh:connected");
  return phases;
}"""


class Skipped(Exception):
    """What this machine lacks for the suite."""


@dataclass
class Counts:
    """WebSocket frames and payload bytes, browser → server and server → browser."""

    sent: int = 0
    sent_bytes: int = 0
    received: int = 0
    received_bytes: int = 0

    @classmethod
    def of(cls, sockets: dict, kinds: Callable[[str], bool]) -> "Counts":
        chosen = [count for kind, count in (sockets or {}).items() if kinds(kind)]
        return cls(
            sum(c["sent"] for c in chosen),
            sum(c["sentBytes"] for c in chosen),
            sum(c["received"] for c in chosen),
            sum(c["receivedBytes"] for c in chosen),
        )

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(*(a - b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return self.sent, self.sent_bytes, self.received, self.received_bytes


def meeting_socket(kind: str) -> bool:
    return kind == "meeting"


def other_sockets(kind: str) -> bool:
    return kind != "meeting"


# Processes, for the CPU of one Chromium (all its processes) and of its renderers.


def process_table() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command line, user + system CPU seconds), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        table[int(entry.name)] = (int(fields[1]), cmdline, cpu)
    return table


def browser_cpu(marker: str) -> tuple[dict[int, float], set[int]]:
    """CPU seconds of each process of the Chromium started with `marker` among its arguments
    (that process and all its descendants), and which of them are renderers."""
    table = process_table()
    roots = [
        pid
        for pid, (parent, cmdline, _) in table.items()
        if marker in cmdline and marker not in table.get(parent, (0, "", 0))[1]
    ]
    tree, frontier = set(roots), list(roots)
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _, _) in table.items() if ppid == parent]
        frontier += [pid for pid in children if pid not in tree]
        tree.update(children)
    renderers = {pid for pid in tree if "--type=renderer" in table[pid][1]}
    return {pid: table[pid][2] for pid in tree}, renderers


def cpu_between(before: dict[int, float], after: dict[int, float], pids: set[int] | None = None):
    """CPU seconds used between two `browser_cpu` readings (processes new since count whole)."""
    return sum(
        seconds - before.get(pid, 0.0)
        for pid, seconds in after.items()
        if pids is None or pid in pids
    )


# People: one Chromium each, a fresh context per visit.


@dataclass
class Person:
    name: str
    context: object
    page: object = None
    console: list[str] = field(default_factory=list)  # its pages' warnings and errors
    # Meeting-socket and other-socket counts of their page just before someone else's click.
    counts_before: tuple[Counts, Counts] = field(default_factory=lambda: (Counts(), Counts()))


class Meeting:
    """The browsers (one Chromium per slot, started when first needed) and the room."""

    def __init__(self, playwright, namespace, server: Server, lobby: str, directory: Path):
        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
        from tests.media import MEDIA_ARGS

        self.playwright, self.server, self.lobby = playwright, server, lobby
        self.executable = namespace.chromium_wrapper(CHROMIUM, directory)
        self.args = [
            *CHROMIUM_ARGS,
            *MEDIA_ARGS,
            f"--unsafely-treat-insecure-origin-as-secure={server.url}",
        ]
        self.browsers: dict[int, object] = {}
        self.markers: dict[int, str] = {}
        self.people: list[Person] = []
        self.visits = 0

    def browser(self, slot: int):
        if slot not in self.browsers:
            marker = f"--session-rooms-bench-person={os.getpid()}-{slot}"
            self.markers[slot] = marker
            self.browsers[slot] = self.playwright.chromium.launch(
                executable_path=self.executable, args=[*self.args, marker]
            )
        return self.browsers[slot]

    def new_person(self, slot: int, name: str) -> Person:
        from tests.media import record_peer_connections

        context = self.browser(slot).new_context(
            base_url=self.server.url, permissions=["camera", "microphone"]
        )
        context.set_default_timeout(TIMEOUT * 1000)
        record_peer_connections(context)
        context.add_init_script(RECORD_FIRST_FRAMES)
        context.add_init_script(COUNT_SOCKETS)
        self.visits += 1
        person = Person(f"{name} {self.visits}", context)
        context.on("console", lambda message: note_console(person, message))
        return person

    def open_lobby(self, person: Person):
        """The lobby with the name filled in and the self-view running: ready to click Join."""
        from tests.media import wait_for

        page = person.context.new_page()
        person.page = page
        page.goto(self.lobby)
        page.get_by_label("Display name").fill(person.name)
        previewing = "() => !!document.querySelector('[data-self-view]')?.srcObject"
        wait_for(page, lambda: page.evaluate(previewing), lambda: "no self-view", TIMEOUT)
        return page.get_by_role("button", name="Join room")

    def enter(self, slot: int, name: str = "Person") -> Person:
        """Someone joins and stays; returns once they see everyone already in."""
        person = self.new_person(slot, name)
        self.open_lobby(person).click()
        person.page.wait_for_url("**/room/", wait_until="domcontentloaded")
        self.people.append(person)
        self.wait_until_all_see_each_other()
        return person

    def wait_until_all_see_each_other(self) -> bool:
        """Until every page has presented a frame of every other person; False (and the
        pages' state in TROUBLE) if one has not after TIMEOUT."""
        from tests.media import wait_for

        others = len(self.people) - 1
        for person in self.people:
            page = person.page
            try:
                wait_for(
                    page,
                    lambda page=page: page.evaluate(REMOTE_STREAMS) >= others,
                    lambda page=page, person=person: (
                        f"{person.name}: {page.evaluate(REMOTE_STREAMS)} of {others} remote"
                        f" streams; {what_they_show(page, self.people)}"
                    ),
                    TIMEOUT,
                )
            except AssertionError as error:
                trouble(str(error))
                return False
        return True

    def leave(self, person: Person) -> None:
        """Their browser context closes (as a closed tab); the others' grids drop their tile."""
        from tests.media import wait_for

        person.context.close()
        if person in self.people:
            self.people.remove(person)
        for other in self.people:
            page = other.page
            try:
                wait_for(
                    page,
                    lambda page=page: page.evaluate(TILES) == len(self.people),
                    lambda page=page: f"{page.evaluate(TILES)} tiles, not {len(self.people)}",
                    TIMEOUT,
                )
            except AssertionError as error:
                trouble(f"{person.name} left: {error}")

    def empty(self) -> None:
        for person in list(self.people):
            person.context.close()
            self.people.remove(person)
        time.sleep(1)  # the server drops their presence rows

    def counts(self, kinds=meeting_socket) -> Counts:
        total = Counts()
        for person in self.people:
            total += Counts.of(person.page.evaluate("() => window.__sockets"), kinds)
        return total

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


def settled_counts(meeting: Meeting, joiner: Person, quiet: float = 1.0) -> tuple[Counts, Counts]:
    """Meeting-socket and other-socket counts of everyone (the joiner's since their page opened,
    the others' since before the click), once nothing has moved for `quiet` seconds."""

    def read() -> tuple[Counts, Counts]:
        sockets = joiner.page.evaluate("() => window.__sockets")
        meeting_counts, other_counts = (
            Counts.of(sockets, meeting_socket),
            Counts.of(sockets, other_sockets),
        )
        for person in meeting.people:
            if person is joiner:
                continue
            sockets = person.page.evaluate("() => window.__sockets")
            before_meeting, before_other = person.counts_before
            meeting_counts += Counts.of(sockets, meeting_socket) - before_meeting
            other_counts += Counts.of(sockets, other_sockets) - before_other
        return meeting_counts, other_counts

    deadline = time.monotonic() + 15
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


def first_remote_frame(page, people: list[Person]) -> float | None:
    """When the page presented its first remote frame (wall-clock ms); None if it has not
    within FRAME_TIMEOUT (what everyone's pages show is then in TROUBLE)."""
    from tests.media import wait_for

    describe = lambda: f"no remote frame: {what_they_show(page, people)}"  # noqa: E731
    try:
        wait_for(page, lambda: page.evaluate(FIRST_REMOTE), describe, FRAME_TIMEOUT)
    except AssertionError as error:
        trouble(str(error))
        return None
    return page.evaluate(FIRST_REMOTE)


def trouble(text: str) -> None:
    """A wait that failed: one line here, the details in TROUBLE for a look after the run."""
    TROUBLE.parent.mkdir(exist_ok=True)
    with TROUBLE.open("a") as log:
        log.write(f"{time.strftime('%H:%M:%S')} {text}\n")
    print(f"meeting: {text[:160]}... (all of it in {TROUBLE})", flush=True)


# What a page shows and does, for a wait that failed: its status line, its tiles, its
# connections, and the frames it recorded.
SHOWS = """() => ({
  url: location.pathname,
  status: document.querySelector("[data-meeting-status]")?.textContent,
  tiles: [...document.querySelectorAll("figure.video-tile")].map(f => f.textContent.trim()),
  connections: (window.__peerConnections || []).map(pc => [pc.connectionState, pc.signalingState,
    pc.iceConnectionState, pc.iceGatheringState]),
  sockets: window.__sockets,
  frames: window.__frames,
})"""


def note_console(person: Person, message) -> None:
    if message.type in {"warning", "error"} and "favicon" not in message.text:
        person.console.append(f"{message.type}: {message.text}"[:300])


def what_they_show(page, people: list[Person]) -> str:
    """What each of `people` shows and logged, with a screenshot of `page`."""
    from tests.browser.conftest import screenshot

    path = screenshot(page, f"bench-meeting-{time.time():.0f}")
    shows = [
        {"name": person.name, **person.page.evaluate(SHOWS), "console": person.console[-10:]}
        for person in people
    ]
    return f"{shows} (screenshot: {path})"


@dataclass
class Joins:
    times: list[float] = field(default_factory=list)  # s, click to first remote frame
    counts: list[tuple[Counts, Counts]] = field(default_factory=list)
    phases: list[dict[str, float]] = field(default_factory=list)  # ms from the click, by step
    failed: int = 0  # no remote frame within FRAME_TIMEOUT
    incomplete: int = 0  # a first frame, but not everyone saw everyone within TIMEOUT


def time_joins(meeting: Meeting, people: int, runs: int) -> Joins:
    """`people - 1` are in with media; `runs` times a new person clicks Join and is timed to
    their first remote frame, then leaves."""
    from tests.media import wait_for

    meeting.empty()
    for slot in range(people - 1):
        meeting.enter(slot, "Present")
    joins = Joins()
    for _ in range(runs):
        joiner = meeting.new_person(people - 1, "Joiner")
        button = meeting.open_lobby(joiner)
        for person in meeting.people:
            sockets = person.page.evaluate("() => window.__sockets")
            person.counts_before = (
                Counts.of(sockets, meeting_socket),
                Counts.of(sockets, other_sockets),
            )
        clicked = button.evaluate(CLICK_JOIN)
        page = joiner.page
        page.wait_for_url("**/room/", wait_until="domcontentloaded")
        first = first_remote_frame(page, [joiner, *meeting.people])
        meeting.people.append(joiner)
        if first is None:
            joins.failed += 1
            meeting.leave(joiner)
            continue
        joins.times.append((first - clicked) / 1000)
        steps = page.evaluate(READ_PHASES)
        joins.phases.append(
            {name: at - clicked for name, at in steps.items() if at is not None}
            | {"frame": first - clicked}
        )
        complete = meeting.wait_until_all_see_each_other()
        for person in meeting.people[:-1] if complete else []:
            try:
                wait_for(
                    person.page,
                    lambda person=person, clicked=clicked: person.page.evaluate(
                        REMOTE_SINCE, clicked
                    ),
                    lambda person=person, joiner=joiner: f"{person.name} never saw {joiner.name}",
                    TIMEOUT,
                )
            except AssertionError as error:
                trouble(str(error))
                complete = False
        if complete:
            joins.counts.append(settled_counts(meeting, joiner))
        else:
            joins.incomplete += 1
        meeting.leave(joiner)
    return joins


def time_bare_connections(meeting: Meeting, runs: int) -> list[float]:
    """The baseline: the harness page's two peers (tests/browser/media/peers.py), no app. One
    has its camera on; Date.now() in the other right before it opens its camera, offers
    (gathered, no trickle) and takes the answer; timed to its first remote frame as above."""
    from tests.browser.media.peers import START, connect

    times = []
    for _ in range(runs):
        present = meeting.new_person(0, "Harness")
        joiner = meeting.new_person(1, "Harness")
        present.page = present.context.new_page()
        present.page.goto("/media-harness/")
        present.page.evaluate(START, {})
        page = joiner.page = joiner.context.new_page()
        page.goto("/media-harness/")
        clicked = page.evaluate("() => Date.now()")
        page.evaluate(START, {})
        connect(page, present.page)
        first = first_remote_frame(page, [joiner, present])
        if first is not None:
            times.append((first - clicked) / 1000)
        present.context.close()
        joiner.context.close()
    return times


def meeting_minute(meeting: Meeting, server: Server, seconds: float) -> tuple[float, Counts]:
    """daphne's CPU seconds while the people in `meeting` sit in it for `seconds`, and the
    meeting-socket frames that passed meanwhile."""
    counts = meeting.counts()
    cpu = server.cpu_seconds()
    time.sleep(seconds)
    return server.cpu_seconds() - cpu, meeting.counts() - counts


@dataclass
class MeshFigures:
    people: int
    uplink: list[float]  # bytes/s each person sent (outbound-rtp bytesSent, all connections)
    browser_cpu: list[float]  # share of one core each person's whole Chromium used
    renderer_cpu: list[float]  # of which its renderer processes
    daphne_cpu: float  # share of one core
    video_fps: float  # mean framesPerSecond of the video each connection sends
    limited: str  # the qualityLimitationReasons seen on sent video
    connected: int  # peer connections in state "connected", over all pages


def sent(page) -> tuple[int, list[dict]]:
    """Bytes sent so far over all the page's connections, and its outbound video stats."""
    from tests.media import peer_stats

    outbound = [
        stat for stats in peer_stats(page) for stat in stats if stat["type"] == "outbound-rtp"
    ]
    return sum(s.get("bytesSent", 0) for s in outbound), [
        s for s in outbound if s.get("kind") == "video"
    ]


def measure_mesh(meeting: Meeting, server: Server, window: float) -> MeshFigures:
    slots = {id(person): slot for slot, person in enumerate(meeting.people)}
    before_bytes = {id(p): sent(p.page)[0] for p in meeting.people}
    before_cpu = {slot: browser_cpu(meeting.markers[slot]) for slot in slots.values()}
    daphne = server.cpu_seconds()
    start = time.monotonic()
    time.sleep(window)
    after_cpu = {slot: browser_cpu(meeting.markers[slot]) for slot in slots.values()}
    elapsed = time.monotonic() - start
    daphne = server.cpu_seconds() - daphne
    uplink, video = [], []
    for person in meeting.people:
        total, outbound = sent(person.page)
        uplink.append((total - before_bytes[id(person)]) / elapsed)
        video += outbound
    whole, renderers = [], []
    for slot in slots.values():
        (cpu0, _), (cpu1, renderer_pids) = before_cpu[slot], after_cpu[slot]
        whole.append(cpu_between(cpu0, cpu1) / elapsed)
        renderers.append(cpu_between(cpu0, cpu1, renderer_pids) / elapsed)
    connected = sum(person.page.evaluate(CONNECTED) for person in meeting.people)
    fps = [s["framesPerSecond"] for s in video if "framesPerSecond" in s]
    reasons = sorted({s.get("qualityLimitationReason", "?") for s in video})
    return MeshFigures(
        len(meeting.people),
        uplink,
        whole,
        renderers,
        daphne / elapsed,
        statistics.mean(fps) if fps else 0.0,
        ", ".join(reasons),
        connected,
    )


# The report


def join_rows(baseline: list[float], runs: int, joins: dict[int, Joins]) -> list[str]:
    base50, base95, _ = percentiles(baseline)
    rows = [
        f"| path | people | runs | no frame in {FRAME_TIMEOUT} s | p50 ms | p95 ms | "
        "p50 vs baseline | p95 vs baseline | target p95 | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| baseline: bare two-peer connection (harness page, no app) | 2 | {runs} | "
        f"{runs - len(baseline)} | {base50:.0f} | {base95:.0f} | 1.0x | 1.0x | - | baseline |",
    ]
    for people, timed in joins.items():
        p50, p95, _ = percentiles(timed.times)
        target = TARGETS_MS.get(people)
        met = timed.times and not timed.failed and p95 < target if target else None
        verdict = "-" if met is None else "met" if met else "MISSED"
        rows.append(
            f"| click Join → first remote frame | {people} | {runs} | {timed.failed} | "
            f"{p50:.0f} | {p95:.0f} | {p50 / base50:.1f}x | {p95 / base95:.1f}x | "
            f"{f'< {target:,} ms' if target else '-'} | {verdict} |"
        )
    return rows


def phase_rows(joins: dict[int, Joins]) -> list[str]:
    """The median ms from the click to each step of the joins that got a frame."""
    sizes = [people for people, timed in joins.items() if timed.phases]
    rows = [
        "| step in the joiner's room page | "
        + " | ".join(f"{people} people: ms from the click (median)" for people in sizes)
        + " |",
        "| --- |" + " ---: |" * len(sizes),
    ]
    for name, label in (*PHASES, ("frame", "first remote frame presented")):
        cells = []
        for people in sizes:
            times = [phases[name] for phases in joins[people].phases if name in phases]
            cells.append(f"{statistics.median(times):,.0f}" if times else "-")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def signalling_rows(joins: dict[int, Joins]) -> list[str]:
    rows = [
        "| people after the join | joins counted | meeting socket: messages browsers → server | "
        "bytes | messages server → browsers | bytes | the room's other streams: messages | "
        "bytes |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for people, timed in joins.items():
        if not timed.counts:
            rows.append(f"| {people} | 0 | | | | | | |")
            continue
        meeting = [c[0] for c in timed.counts]
        other = [c[1] for c in timed.counts]

        def median(values: list[Counts], name: str) -> str:
            return f"{statistics.median(getattr(c, name) for c in values):,.0f}"

        other_messages = statistics.median(c.sent + c.received for c in other)
        other_bytes = statistics.median(c.sent_bytes + c.received_bytes for c in other)
        rows.append(
            f"| {people} | {len(timed.counts)} | {median(meeting, 'sent')} | "
            f"{median(meeting, 'sent_bytes')} | "
            f"{median(meeting, 'received')} | {median(meeting, 'received_bytes')} | "
            f"{other_messages:,.0f} | {other_bytes:,.0f} |"
        )
    return rows


def mesh_rows(figures: list[MeshFigures]) -> list[str]:
    rows = [
        "| people | connections each (up of all) | uplink per person kbit/s (min-max) | "
        "per connection kbit/s | sent video fps | sent video limited by | browser CPU per person | "
        "of which renderer | daphne CPU |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for f in figures:
        kbits = [b * 8 / 1000 for b in f.uplink]
        mean = statistics.mean(kbits)
        rows.append(
            f"| {f.people} | {f.people - 1} ({f.connected} of {f.people * (f.people - 1)}) | "
            f"{mean:,.0f} ({min(kbits):,.0f}-{max(kbits):,.0f})"
            f" | {mean / (f.people - 1):,.0f} | {f.video_fps:.0f} | {f.limited} | "
            f"{statistics.mean(f.browser_cpu):.0%} | {statistics.mean(f.renderer_cpu):.0%} | "
            f"{f.daphne_cpu:.1%} |"
        )
    return rows


def mesh_summary(figures: list[MeshFigures]) -> str:
    if len(figures) < 2:
        return ""
    first, last = figures[0], figures[-1]
    short = [f for f in figures if f.connected < f.people * (f.people - 1)]
    caveat = (
        " Not every connection came up at "
        + ", ".join(f"{f.people} ({f.connected} of {f.people * (f.people - 1)})" for f in short)
        + " people, so those rows send less than a full mesh would (details in "
        + f"{TROUBLE.relative_to(TROUBLE.parent.parent)})."
        if short
        else ""
    )
    up_first = statistics.mean(first.uplink) * 8 / 1000
    up_last = statistics.mean(last.uplink) * 8 / 1000
    cpu_first, cpu_last = statistics.mean(first.browser_cpu), statistics.mean(last.browser_cpu)
    cores = os.cpu_count() or 1
    total_cpu = sum(last.browser_cpu)
    saturated = (
        f" The browsers had the machine's {cores} cores to themselves and used them up: past "
        "that, per-person CPU cannot grow and the sent frame rate falls instead "
        f"({first.video_fps:.0f} fps at {first.people}, {last.video_fps:.0f} at {last.people})."
        if total_cpu > 0.8 * cores
        else ""
    )
    return (
        f"From {first.people} to {last.people} people each person's uplink went from "
        f"{up_first:,.0f} to {up_last:,.0f} kbit/s ({up_last / up_first:.1f}x, with "
        f"{last.people - 1} connections instead of {first.people - 1}: a mesh sends every "
        f"stream once per other person) and their browser's CPU from {cpu_first:.0%} to "
        f"{cpu_last:.0%} of a core (one encoder per connection). With {last.people} people the "
        f"browsers together used {total_cpu:.0%} of a core on a {cores}-core machine; sent "
        f"video was limited by: {last.limited}. A media server (one upload per person, "
        "whatever the room's size) is what keeps both flat." + saturated + caveat
    )


@contextmanager
def stopped_on_sigterm() -> Iterator[None]:
    """SIGTERM (`timeout`, CI) tears down as after Ctrl-C: no namespace or Chromium left."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def unlocked_room() -> str:
    """An owner and an unlocked room, in the bench database: its participant lobby's path."""
    import secrets

    from accounts.models import User
    from rooms.models import Room

    owner = User.objects.create_user(
        email=f"meeting-{secrets.token_hex(4)}@bench.test",
        password=secrets.token_urlsafe(16),
        display_name="Bench owner",
    )
    return Room.create(owner, "Bench meeting", locked=False).participant_path


def requirements() -> None:
    """Raises Skipped with what is missing: root, Chromium, Playwright."""
    if os.geteuid() != 0:
        raise Skipped("the browsers need a network namespace of their own (run as root)")
    try:
        import playwright.sync_api  # noqa: F401

        from tests.browser.conftest import CHROMIUM
    except ImportError as error:
        raise Skipped(f"Playwright is not installed ({error})") from None
    if not Path(CHROMIUM).exists():
        raise Skipped(f"there is no Chromium at {CHROMIUM} (set CHROMIUM)")


def new_namespace():
    """The run's network namespace (tests/media.py), or Skipped saying why there is none."""
    from tests.media import Namespace, NetnsUnavailable

    try:
        return Namespace.create()
    except NetnsUnavailable as error:
        raise Skipped(f"no network namespace: {error}") from None


HEADING = "## Meetings: browsers in a network namespace, one Chromium per person, one daphne"


def run(runs: int, minute: float, window: float, settle: float, sizes=MESH_SIZES) -> list[str]:
    """The suite's report lines (or one saying why it was skipped)."""
    lines = reported([HEADING, ""])
    try:
        requirements()
        namespace = new_namespace()
    except Skipped as skipped:
        print(f"skipped: meeting: {skipped}", flush=True)
        return [*lines, f"Skipped: {skipped}.", ""]

    lobby = unlocked_room()  # the ORM before Playwright's event loop runs in this thread
    from playwright.sync_api import sync_playwright

    server = meeting = None
    try:
        with stopped_on_sigterm(), tempfile.TemporaryDirectory() as directory:
            server = Server(host=namespace.host)
            with sync_playwright() as playwright:
                meeting = Meeting(playwright, namespace, server, lobby, Path(directory))
                try:
                    lines += measure_all(meeting, server, runs, minute, window, settle, sizes)
                finally:
                    meeting.close()
        namespace.assert_nothing_leaves()
    finally:
        if server:
            server.stop()
        namespace.close()
    return lines


def reported(lines: list[str]) -> list[str]:
    """Prints a part of the report as soon as it is measured (a full run takes many minutes,
    and an interrupted one still shows what it got), and returns it."""
    print("\n".join(lines), flush=True)
    return lines


def measure_all(meeting, server, runs, minute, window, settle, sizes) -> list[str]:
    idle = server.cpu_seconds()
    time.sleep(minute)
    idle = server.cpu_seconds() - idle

    baseline = time_bare_connections(meeting, runs)
    joins = {people: time_joins(meeting, people, runs) for people in JOIN_SIZES}
    lines = reported(
        [
            "Join: each run, the people already in have media; a new person (a fresh browser "
            "context) fills in the lobby of an unlocked room, waits for their self-view, and "
            "clicks Join room: from Date.now() before the click to the first remote frame "
            "presented in their room page (requestVideoFrameCallback). The baseline: the media "
            "harness's bare page, two RTCPeerConnections whose offer and answer the bench "
            "carries (after gathering), timed from before the second opens its camera to its "
            "first remote frame, in the same browsers of the same run.",
            "",
            *join_rows(baseline, runs, joins),
            "",
            "### Where a join's time goes",
            "",
            "Each step's wall-clock time in the joiner's room page (navigation timing, and the "
            "performance marks meeting.js and mesh.js set the first time they reach a step), "
            "from the click on Join room; the median over the timed joins. The camera opens as "
            "the page starts, alongside the socket.",
            "",
            *phase_rows(joins),
            "",
            "### Signalling through the server per join",
            "",
            "WebSocket frames and their payload bytes, counted in every page (a wrapped "
            "WebSocket): the joiner's from their room page's start, everyone else's from just "
            "before the click, until nothing moved for 1 s; the median of the joins after which "
            "everyone saw everyone. Each frame browser → server is one frame into daphne; "
            "server → browsers, one out. The room's other streams are the presence list (htmx "
            "over WebSocket, rendered HTML).",
            "",
            *signalling_rows(joins),
            "",
        ]
    )

    # Four people in (the last join size leaves three): daphne while they just meet.
    while len(meeting.people) < 4:
        meeting.enter(len(meeting.people))
    time.sleep(settle)
    busy, passed = meeting_minute(meeting, server, minute)
    per_minute = 60 / minute
    lines += reported(
        [
            "### daphne CPU per meeting minute",
            "",
            f"CPU of the daphne process (utime + stime, /proc) over {minute:.0f} s, scaled to a "
            "minute: idle before anyone came (the baseline), then with four people in a meeting "
            "after the joins settled.",
            "",
            "| state | CPU s per minute | share of one core | meeting-socket frames per minute |",
            "| --- | ---: | ---: | ---: |",
            f"| idle, nobody connected (baseline) | {idle * per_minute:.2f} | "
            f"{idle / minute:.1%} | - |",
            f"| 4 people in the meeting | {busy * per_minute:.2f} | {busy / minute:.1%} | "
            f"{(passed.sent + passed.received) * per_minute:,.0f} |",
            "",
        ]
    )

    meeting.empty()
    figures = []
    for people in sizes:
        while len(meeting.people) < people:
            meeting.enter(len(meeting.people))
        time.sleep(settle)  # the senders' bandwidth estimates ramp up
        figures.append(measure_mesh(meeting, server, window))
        print(f"meeting: mesh of {people} measured", flush=True)
    meeting.empty()
    return lines + reported(
        [
            "### Browser CPU and uplink per person as the mesh grows",
            "",
            f"Everyone sees everyone, then {settle:.0f} s for bandwidth estimates to ramp up, "
            f"then {window:.0f} s measured. Uplink: each person's outbound-rtp bytesSent (RTP "
            "payload, audio and video, every connection) over the window. CPU: each person's "
            "Chromium, all its processes (one core = 100%), and its renderers (where WebRTC "
            "encodes and decodes). Sent video fps and its limitation are from the outbound "
            "video stats.",
            "",
            *mesh_rows(figures),
            "",
            mesh_summary(figures),
            "",
        ]
    )
