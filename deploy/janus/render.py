#!/usr/bin/env python3
"""Write a Janus configuration folder for Session Rooms from the templates beside this file.

    python3 deploy/janus/render.py --out /etc/janus-rooms --admin-secret "$JANUS_ADMIN_SECRET" \\
        --ws-port 8188 --admin-port 7088 --allow-origin https://rooms.example.com
    janus -F /etc/janus-rooms -C /etc/janus-rooms/janus.jcfg

Standard library only, so it runs where Janus runs, without the app. The tests call render()
with free ports and a fresh secret for each Janus they start.
"""

from __future__ import annotations

import argparse
import glob
import re
import string
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = sorted(HERE.glob("*.jcfg.in"))
KEEP = {
    "plugins": {"libjanus_videoroom.so"},
    "transports": {"libjanus_websockets.so", "libjanus_http.so"},
    "loggers": set(),
    "events": set(),
}
# Debian 1.1.x ships these; used when the library folder cannot be listed (rendering elsewhere).
KNOWN = {
    "plugins": "audiobridge duktape echotest lua nosip recordplay sip streaming textroom "
    "videocall videoroom voicemail",
    "transports": "http mqtt nanomsg pfunix rabbitmq websockets",
    "loggers": "jsonlog",
    "events": "gelfevh mqttevh nanomsgevh rabbitmqevh sampleevh wsevh",
}


def lib_folder() -> str:
    """Where Debian put Janus's modules: /usr/lib/<multiarch triplet>/janus."""
    found = sorted(glob.glob("/usr/lib/*/janus/plugins"))
    return str(Path(found[0]).parent) if found else "/usr/lib/x86_64-linux-gnu/janus"


def disabled(kind: str, lib: str) -> str:
    """Every module of a kind except the ones we use: a module Debian adds later stays off."""
    names = {Path(p).name for p in glob.glob(f"{lib}/{kind}/libjanus_*.so")}
    if not names:
        names = {f"libjanus_{name}.so" for name in KNOWN[kind].split()}
    return ",".join(sorted(names - KEEP[kind]))


def render(
    out: Path,
    *,
    admin_secret: str,
    ws_port: int,
    admin_port: int,
    allow_origin: str,
    ws_ip: str = "127.0.0.1",
    admin_ip: str = "127.0.0.1",
    admin_acl: str = "127.",
    server_name: str = "session-rooms-janus",
    log_file: str = "",
    rtp_port_range: str = "",
    ice_enforce_list: str = "",
    nat_1_1_mapping: str = "",
    lib: str = "",
) -> Path:
    """Fill every template into `out` (created); returns the path of janus.jcfg."""
    if len(admin_secret) < 16 or not re.fullmatch(r"[A-Za-z0-9_\-]+", admin_secret):
        raise ValueError("The admin secret must be at least 16 letters, digits, - or _.")
    lib = lib or lib_folder()
    values = {
        "configs_folder": str(out),
        "lib_folder": lib,
        "admin_secret": admin_secret,
        "ws_port": str(ws_port),
        "admin_port": str(admin_port),
        "allow_origin": allow_origin,
        "ws_ip": ws_ip,
        "admin_ip": admin_ip,
        "admin_acl": admin_acl,
        "server_name": server_name,
        "log_file": log_file,
        "rtp_port_range": rtp_port_range,
        "ice_enforce_list": ice_enforce_list,
        "nat_1_1_mapping": nat_1_1_mapping,
        **{f"disabled_{kind}": disabled(kind, lib) for kind in KEEP},
    }
    for name, value in values.items():
        if '"' in value or "\n" in value:
            raise ValueError(f"{name} must not contain quotes or line breaks: {value!r}")
    out.mkdir(parents=True, exist_ok=True)
    for template in TEMPLATES:
        lines = []
        for line in template.read_text().splitlines():
            found = string.Template.pattern.finditer(line)
            names = {m["named"] or m["braced"] for m in found if m["named"] or m["braced"]}
            filled = string.Template(line).substitute(values)
            # An optional setting left empty keeps Janus's default.
            lines.append("#" + filled if names and not any(values[n] for n in names) else filled)
        (out / template.name.removesuffix(".in")).write_text("\n".join(lines) + "\n")
    return out / "janus.jcfg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--admin-secret", required=True, help="JANUS_ADMIN_SECRET of the app")
    parser.add_argument("--ws-port", type=int, default=8188, help="WebSocket port for browsers")
    parser.add_argument("--admin-port", type=int, default=7088, help="admin API port for the app")
    parser.add_argument("--allow-origin", required=True, help="the app's SITE_URL")
    parser.add_argument("--ws-ip", default="127.0.0.1", help="address for the WebSocket port")
    parser.add_argument("--admin-ip", default="127.0.0.1", help="address for the admin API")
    parser.add_argument("--admin-acl", default="127.", help="source prefixes for the admin API")
    parser.add_argument("--server-name", default="session-rooms-janus")
    parser.add_argument("--log-file", default="")
    parser.add_argument("--rtp-port-range", default="", help="e.g. 20000-40000")
    parser.add_argument("--ice-enforce-list", default="", help="interfaces for ICE, e.g. eth0")
    parser.add_argument("--nat-1-1-mapping", default="", help="public address behind 1:1 NAT")
    args = vars(parser.parse_args())
    print(render(args.pop("out"), **args))


if __name__ == "__main__":
    main()
