"""`make bench`: start real daphne processes on 127.0.0.1 and print figures with their baselines.

The meeting suite's daphne listens on a network namespace's host end instead, with its browsers
inside (bench/meeting.py); it needs root and Chromium, and says "skipped: ..." without them.

Embedded default (SQLite, in-memory layer) unless DATABASE_URL and REDIS_URL are set, in which
case a separate `<name>_bench` PostgreSQL database is used and Redis carries the channel layer.
"""

import argparse
import asyncio
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.server import raise_open_files_limit

ROOT = Path(__file__).resolve().parent.parent
SUITES = (
    "dashboard",
    "waiting",
    "burst",
    "capacity",
    "two-processes",
    "presence",
    "meeting",
    "janus",
)


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = ROOT / "bench" / "bench.sqlite3"
        for leftover in ROOT.glob("bench/bench.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def machine() -> str:
    """Cores, CPU model and memory, from /proc."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    cpu = models[0] if models else platform.processor()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({cpu}), {kib / 1024**2:.0f} GiB RAM"


def write_results(backend: str, report: str) -> None:
    """Replaces this backend's section of bench/RESULTS.md (or the "Meetings" one), keeping the
    notes and the other sections."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start, end = f"<!-- bench: {backend} -->", f"<!-- end: {backend} -->"
    section = f"{start}\n# {backend}\n\n{report}\n{end}"
    if start in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n{section}\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5, help="length of each HTTP run")
    parser.add_argument("--samples", type=int, default=100, help="timed asks/allows per level")
    parser.add_argument(
        "--only", default=",".join(SUITES), help=f"comma-separated, of: {', '.join(SUITES)}"
    )
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument(
        "--presence-tabs", type=int, default=100, help="tabs one member opens (presence suite)"
    )
    meeting_options = parser.add_argument_group("meeting")
    meeting_options.add_argument(
        "--meeting-runs", type=int, default=20, help="timed joins per size (and baseline runs)"
    )
    meeting_options.add_argument(
        "--meeting-minute",
        type=float,
        default=30,
        help="seconds of daphne CPU measured idle and with 4 people (scaled to a minute)",
    )
    meeting_options.add_argument(
        "--meeting-window", type=float, default=10, help="seconds of uplink and CPU per mesh size"
    )
    meeting_options.add_argument(
        "--meeting-settle",
        type=float,
        default=10,
        help="seconds after everyone sees everyone, before measuring (bitrates ramp up)",
    )
    meeting_options.add_argument(
        "--meeting-sizes", default="2,3,4,5,6", help="mesh sizes for uplink and browser CPU"
    )
    meeting_options.add_argument(
        "--janus-sizes", default="2,4,6,8", help="sizes for mesh against Janus (janus suite)"
    )
    args = parser.parse_args()
    suites = [name for name in args.only.split(",") if name]
    raise_open_files_limit()

    os.environ["DATABASE_URL"] = bench_database_url()
    # The app with the bench's baselines (bench/settings.py); daphne processes inherit it.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # DEBUG off serves only collected static files (STATIC_ROOT), as in production.
    call_command("collectstatic", interactive=False, verbosity=0)

    from bench import burst, capacity, dashboard, janus, meeting, presence, two_processes, waiting
    from bench.server import Server

    backend = "PostgreSQL + Redis" if os.environ.get("REDIS_URL") else "SQLite + in-memory layer"
    header = [
        f"Machine: {machine()}; Python {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {backend}.",
        "",
    ]
    print("\n".join(header), flush=True)
    lines, meeting_lines, janus_lines = [], [], []
    runs = {
        "dashboard": lambda server: dashboard.run(server, args.seconds),
        "waiting": lambda server: waiting.run(server, args.samples),
        "burst": burst.run,
        "capacity": capacity.run,
    }
    for name in suites:
        if name == "two-processes":
            lines += asyncio.run(two_processes.run(args.samples))
            continue
        if name == "presence":  # two servers of its own: before and after, in one run
            lines += asyncio.run(presence.run(args.presence_tabs, min(args.samples, 20)))
            continue
        if name == "meeting":
            sizes = [int(size) for size in args.meeting_sizes.split(",")]
            meeting_lines = meeting.run(
                args.meeting_runs,
                args.meeting_minute,
                args.meeting_window,
                args.meeting_settle,
                sizes,
            )
            continue
        if name == "janus":
            sizes = [int(size) for size in args.janus_sizes.split(",")]
            janus_lines = janus.run(
                min(args.meeting_runs, 10), args.meeting_window, args.meeting_settle, sizes
            )
            continue
        server = Server()  # a fresh process each: one suite's sockets do not weigh on the next
        try:
            lines += asyncio.run(runs[name](server))
        finally:
            server.stop()
    print("\n".join(lines))  # The meeting suite printed its parts as it measured them.
    # The meetings have a section of their own: `--only meeting --write` keeps the backend's.
    if args.write and lines:
        write_results(backend, "\n".join(header + lines))
    if args.write and meeting_lines:
        write_results("Meetings", "\n".join(header + meeting_lines))
    if args.write and janus_lines:
        write_results("Meetings through Janus", "\n".join(header + janus_lines))


if __name__ == "__main__":
    main()
