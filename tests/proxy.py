"""nginx (Debian's) in front of daphne processes, with the site config in deploy/nginx, for the
tests that drive a browser through it. Its files and logs go to test-artifacts/nginx-<port>/."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from tests.live import ROOT, free_port, stop_process

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def require_nginx() -> None:
    from tests.browser.conftest import skip_or_fail

    if not Path(NGINX).exists():
        skip_or_fail("nginx is not installed (apt-get install nginx)")


TEMPLATE = ROOT / "deploy" / "nginx" / "session-rooms.conf"


def render_site(**values: str) -> str:
    """deploy/nginx/session-rooms.conf with each ${SR_<NAME>} filled in (as envsubst would)."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${SR_" + name.upper() + "}", value)
    assert "${SR_" not in text, "a placeholder of the template was left unfilled"
    return text


class Nginx:
    """nginx on 127.0.0.1:`port`, proxying to the given daphne ports."""

    def __init__(self, upstreams: list[int], static_root: Path, media_root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = ROOT / "test-artifacts" / f"nginx-{self.port}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        servers = " ".join(f"server 127.0.0.1:{port} max_fails=0;" for port in upstreams)
        site = render_site(
            listen=f"127.0.0.1:{self.port}",
            server_name="127.0.0.1",
            upstreams=servers,
            static_root=str(static_root),
            media_root=str(media_root),
            max_body="12m",
        )
        (self.folder / "site.conf").write_text(site)
        temp = {name: self.folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        (self.folder / "nginx.conf").write_text(
            "daemon off;\nworker_processes 1;\n"
            f"pid {self.folder}/nginx.pid;\nerror_log {self.folder}/error.log info;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n"
            f"  access_log {self.folder}/access.log;\n"
            f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
            f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
            f"  scgi_temp_path {temp['scgi']};\n"
            f"  include {self.folder}/site.conf;\n}}\n"
        )
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.folder / "nginx.conf"), "-e", str(self.folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "stderr.log").open("w"),
        )
        deadline = time.monotonic() + 10
        while not (self.folder / "nginx.pid").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"nginx did not start: {(self.folder / 'stderr.log').read_text()}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        stop_process(self.process)
