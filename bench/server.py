"""One daphne process (`manage.py serve`, bench.asgi under bench.settings) on a free port of
127.0.0.1 (or of another local address, such as a media namespace's host end), with the bench
environment."""

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def raise_open_files_limit() -> int:
    """Lift this process's soft RLIMIT_NOFILE to the hard limit: thousands of sockets need it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65536 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# The bench is one client address sending thousands of asks and holding thousands of sockets
# in a room: the abuse limits would stop it (the presence suite sets its own socket caps).
LOAD_ALLOWED = {
    "ASK_LIMIT_PER_MINUTE": "1000000",
    "WAITING_ROOM_CAP": "1000000",
    "WAITING_PER_CLIENT": "1000000",
    "ROOM_SOCKETS_PER_SESSION": "1000000",
    "ROOM_SOCKETS_PER_ADDRESS": "1000000",
}


class Server:
    """daphne on `host`; SITE_URL (and so ALLOWED_HOSTS and the WebSocket Origin check) is
    `url`, on that address."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **env: str) -> None:
        self.host = host
        with socket.socket() as sock:
            sock.bind((host, port))  # A free port, or the one given (Janus's allowed origin).
            self.port = sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", host, "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, **LOAD_ALLOWED, "SITE_URL": self.url, **env},
            stdout=subprocess.DEVNULL,  # the access log
            stderr=(ROOT / "bench" / "daphne.log").open("a"),  # errors, if any, for a look later
            preexec_fn=raise_open_files_limit,  # the child's own limit, for its sockets
        )
        self.pid = self.process.pid
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("daphne did not start")

    def rss_kib(self) -> int:
        """Resident memory of the daphne process (VmRSS in /proc/<pid>/status), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the daphne process has used (/proc/<pid>/stat)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
