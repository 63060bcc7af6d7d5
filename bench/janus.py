"""Mesh against Janus in real browsers, in one run: each person's uplink and browser CPU for
2, 4, 6 and 8 people, Janus's own CPU, and the time from Join to the first remote frame
through Janus.

The harness is bench/meeting.py's (one Chromium per person in a network namespace of this run,
guests of an unlocked room joining through the lobby) with a real Janus (Debian's, rendered
from deploy/janus as the tests do) on the namespace's host end, ICE on that link only. The
mesh is measured first with a daphne of its own, every browser closed, then Janus with
another daphne whose JANUS_URL points at it: the same machine, the same sizes, minutes apart.
"""

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.meeting import (
    Meeting,
    MeshFigures,
    Skipped,
    measure_mesh,
    new_namespace,
    reported,
    requirements,
    stopped_on_sigterm,
    time_joins,
    unlocked_room,
)
from bench.people import percentiles
from bench.server import Server

SIZES = (2, 4, 6, 8)
JOIN_SIZES = (2, 4)
TARGET_P95 = 1.5  # s from Join to the first remote frame through Janus, on loopback
HEADING = "## Meetings: mesh against Janus, one Chromium per person, one daphne"


def process_cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sized:
    figures: MeshFigures
    janus_cpu: float | None = None  # share of one core, through Janus only


def grow_and_measure(meeting: Meeting, server: Server, sizes, settle, window, janus_pid=None):
    measured = []
    for people in sizes:
        while len(meeting.people) < people:
            meeting.enter(len(meeting.people))
        time.sleep(settle)  # bandwidth estimates ramp up
        before = process_cpu_seconds(janus_pid) if janus_pid else 0.0
        start = time.monotonic()
        figures = measure_mesh(meeting, server, window)
        janus = (
            (process_cpu_seconds(janus_pid) - before) / (time.monotonic() - start)
            if janus_pid
            else None
        )
        measured.append(Sized(figures, janus))
        print(f"janus bench: {people} people measured", flush=True)
    meeting.empty()
    return measured


def kbits(figures: MeshFigures) -> float:
    return statistics.mean(figures.uplink) * 8 / 1000


def rows(mesh: list[Sized], janus: list[Sized]) -> list[str]:
    table = [
        "| people | mesh uplink per person kbit/s | Janus uplink per person kbit/s | "
        "Janus / mesh | mesh browser CPU per person | Janus browser CPU per person | "
        "Janus process CPU | mesh sent fps | Janus sent fps |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m, j in zip(mesh, janus, strict=True):
        mf, jf = m.figures, j.figures
        table.append(
            f"| {mf.people} | {kbits(mf):,.0f} | {kbits(jf):,.0f} | "
            f"{kbits(jf) / kbits(mf):.2f} | {statistics.mean(mf.browser_cpu):.0%} | "
            f"{statistics.mean(jf.browser_cpu):.0%} | {j.janus_cpu:.0%} | "
            f"{mf.video_fps:.0f} | {jf.video_fps:.0f} |"
        )
    return table


def summary(mesh: list[Sized], janus: list[Sized]) -> str:
    """Where Janus won (less uplink, no more browser CPU) and where it did not, size by size."""
    said = []
    for m, j in zip(mesh, janus, strict=True):
        less = kbits(j.figures) < kbits(m.figures)
        cheaper = statistics.mean(j.figures.browser_cpu) <= statistics.mean(m.figures.browser_cpu)
        verdict = "Janus won" if less and cheaper else "the mesh won or tied"
        said.append(f"{m.figures.people} people: {verdict}")
    return (
        "; ".join(said) + ". Where the sent frame rate is low, the browsers had used up the "
        "machine's cores, and those rows measure an overloaded machine more than a transport."
    )


def join_rows(mesh_joins, janus_joins) -> list[str]:
    table = [
        "| people after the join | transport | p50 ms | p95 ms | p95 vs the mesh's | "
        "target p95 | joins timed | failed |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for people in janus_joins:
        _, mesh95, _ = percentiles(mesh_joins[people].times)
        for name, timed in (
            ("mesh (baseline)", mesh_joins[people]),
            ("Janus", janus_joins[people]),
        ):
            p50, p95, _ = percentiles(timed.times)
            target = "-" if name != "Janus" else "met" if p95 <= TARGET_P95 * 1000 else "missed"
            table.append(
                f"| {people} | {name} | {p50:,.0f} | {p95:,.0f} | {p95 / mesh95:.2f}x | "
                f"{TARGET_P95} s ({target}) | {len(timed.times)} | "
                f"{timed.failed + timed.incomplete} |"
            )
    return table


def run(runs: int, window: float, settle: float, sizes=SIZES) -> list[str]:
    lines = reported([HEADING, ""])
    try:
        requirements()
        from tests.janus.support import JANUS, JanusProcess

        if not JANUS:
            raise Skipped("Janus is not installed (apt-get install -y janus)")
        namespace = new_namespace()
    except Skipped as skipped:
        print(f"skipped: janus: {skipped}", flush=True)
        return [*lines, f"Skipped: {skipped}.", ""]

    lobby = unlocked_room()
    from playwright.sync_api import sync_playwright

    from tests.live import free_port

    servers, janus = [], None
    try:
        with (
            stopped_on_sigterm(),
            tempfile.TemporaryDirectory() as directory,
            sync_playwright() as playwright,
        ):
            mesh_server = Server(host=namespace.host)
            servers.append(mesh_server)
            meeting = Meeting(playwright, namespace, mesh_server, lobby, Path(directory))
            try:
                mesh_joins = {people: time_joins(meeting, people, runs) for people in JOIN_SIZES}
                meeting.empty()
                mesh = grow_and_measure(meeting, mesh_server, sizes, settle, window)
            finally:
                meeting.close()
            mesh_server.stop()

            port = free_port(namespace.host)
            janus = JanusProcess.beside(namespace, port)
            janus_server = Server(host=namespace.host, port=port, **janus.app_env)
            servers.append(janus_server)
            meeting = Meeting(playwright, namespace, janus_server, lobby, Path(directory))
            try:
                joins = {people: time_joins(meeting, people, runs) for people in JOIN_SIZES}
                meeting.empty()
                through = grow_and_measure(
                    meeting, janus_server, sizes, settle, window, janus.process.pid
                )
            finally:
                meeting.close()
        namespace.assert_nothing_leaves()
    finally:
        for server in servers:
            server.stop()
        if janus:
            janus.stop()
        namespace.close()
    return lines + reported(
        [
            f"Everyone sees everyone, then {settle:.0f} s for bandwidth estimates to ramp up, "
            f"then {window:.0f} s measured: each person's outbound-rtp bytesSent (RTP payload, "
            "audio and video, every connection of the page), each person's whole Chromium "
            "(one core = 100%), and Janus's process (utime + stime). The mesh sizes its copies "
            "of the camera down as it grows (docs/meeting.md); Janus gets one camera in three "
            "layers (900 + 300 + 100 kbit/s at most).",
            "",
            *rows(mesh, through),
            "",
            summary(mesh, through),
            "",
            "### Join to the first remote frame through Janus",
            "",
            "As in the mesh's join timing: a new person clicks Join room in the lobby; from "
            "Date.now() before the click to the first remote frame presented in their room "
            "page. The people already in have media. The baseline: the same joins in the mesh, "
            "in the same run.",
            "",
            *join_rows(mesh_joins, joins),
            "",
        ]
    )
