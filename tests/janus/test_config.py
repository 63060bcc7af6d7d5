"""The Janus configuration kept in deploy/janus: only what the app needs, locked down."""

import re

import pytest

from tests.janus.support import load_render

SECRET = "s3cret-admin-key-for-janus"


def render(tmp_path, **options):
    defaults = {
        "admin_secret": SECRET,
        "ws_port": 18188,
        "admin_port": 17088,
        "allow_origin": "https://rooms.example.com",
    }
    load_render()(tmp_path, **(defaults | options))
    return {path.name: path.read_text() for path in tmp_path.iterdir()}


def test_it_writes_every_file_with_nothing_left_to_fill(tmp_path):
    files = render(tmp_path)
    assert set(files) == {
        "janus.jcfg",
        "janus.plugin.videoroom.jcfg",
        "janus.transport.http.jcfg",
        "janus.transport.websockets.jcfg",
    }
    for text in files.values():
        assert "${" not in text
        assert "janusoverlord" not in text  # Debian's sample admin secret.


def test_token_auth_is_on_with_the_admin_secret_and_the_room_admin_key(tmp_path):
    files = render(tmp_path)
    assert "\ttoken_auth = true" in files["janus.jcfg"]
    assert "token_auth_secret" not in files["janus.jcfg"]  # Stored tokens, revocable.
    assert f'\tadmin_secret = "{SECRET}"' in files["janus.jcfg"]
    assert f'\tadmin_key = "{SECRET}"' in files["janus.plugin.videoroom.jcfg"]
    assert "\tlock_rtp_forward = true" in files["janus.plugin.videoroom.jcfg"]
    assert "room-" not in files["janus.plugin.videoroom.jcfg"]  # No static demo rooms.


def test_only_the_videoroom_websockets_and_the_admin_api_are_on(tmp_path):
    files = render(tmp_path, lib="/nowhere")  # Falls back to Debian's list of modules.
    disabled = dict(re.findall(r'(\w+): \{[^}]*?disable = "([^"]*)"', files["janus.jcfg"]))
    assert "libjanus_videoroom.so" not in disabled["plugins"]
    assert "libjanus_echotest.so" in disabled["plugins"]
    assert "libjanus_streaming.so" in disabled["plugins"]
    assert set(disabled["transports"].split(",")) == {
        "libjanus_mqtt.so",
        "libjanus_nanomsg.so",
        "libjanus_pfunix.so",
        "libjanus_rabbitmq.so",
    }
    http = files["janus.transport.http.jcfg"]
    assert "\thttp = false" in http  # The Janus API over HTTP: off.
    assert "\tadmin_http = true" in http
    assert '\tadmin_ip = "127.0.0.1"' in http
    ws = files["janus.transport.websockets.jcfg"]
    assert "\tadmin_ws = false" in ws
    assert '\tallow_origin = "https://rooms.example.com"' in ws
    assert "\tenforce_cors = true" in ws


def test_optional_settings_stay_commented_out_until_given(tmp_path):
    bare = render(tmp_path / "bare")["janus.jcfg"]
    assert '#\trtp_port_range = ""' in bare
    assert '#\tnat_1_1_mapping = ""' in bare
    given = render(tmp_path / "given", rtp_port_range="20000-40000", nat_1_1_mapping="203.0.113.7")
    assert '\n\trtp_port_range = "20000-40000"' in given["janus.jcfg"]
    assert '\n\tnat_1_1_mapping = "203.0.113.7"' in given["janus.jcfg"]


def test_it_refuses_a_weak_or_unsafe_admin_secret(tmp_path):
    for secret in ("short", 'x" injected = "y' + "z" * 16):
        with pytest.raises(ValueError, match="admin secret"):
            render(tmp_path, admin_secret=secret)


def test_janus_runs_it_with_only_the_videoroom_and_token_auth(janus_process):
    info = janus_process.admin("info")
    assert set(info["plugins"]) == {"janus.plugin.videoroom"}
    assert set(info["transports"]) == {"janus.transport.http", "janus.transport.websockets"}
    assert not info["events"]
    assert not info["loggers"]
    assert info["auth_token"] is True
    assert info["api_secret"] is False  # Browsers authenticate with their own tokens.
