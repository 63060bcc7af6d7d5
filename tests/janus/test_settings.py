"""JANUS_URL and its admin credentials: one instance or several, and a clear error when wrong."""

import json

import pytest

from tests.test_settings import start

ADMIN = "http://10.0.0.5:7088/admin"
SECRET = "s3cret-admin-key-for-janus"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JANUS_URL": "wss://rooms.example.com/janus"}, "JANUS_ADMIN_URL must name one"),
        ({"JANUS_URL": "https://rooms.example.com/janus", "JANUS_ADMIN_URL": ADMIN}, "ws://"),
        ({"JANUS_URL": "wss://a.example/j", "JANUS_ADMIN_URL": "10.0.0.5:7088"}, "http://"),
        (
            {"JANUS_URL": "wss://a.example/j," * 2, "JANUS_ADMIN_URL": f"{ADMIN},{ADMIN}"},
            "no repeats",
        ),
        ({"JANUS_URL": "wss://a.example/j", "JANUS_ADMIN_URL": ADMIN}, "JANUS_ADMIN_SECRET must"),
        (
            {"JANUS_URL": "wss://a.example/j", "JANUS_ADMIN_URL": ADMIN, "JANUS_ADMIN_SECRET": "x"},
            "at least 16 characters",
        ),
        ({"JANUS_CREDENTIAL_TTL": "0"}, "JANUS_CREDENTIAL_TTL must be at least 1"),
    ],
)
def test_a_bad_janus_setting_stops_start_up_and_says_why(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert message in result.stderr


PRINT_JANUS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.JANUS_SERVERS, s.SECURE_CSP['connect-src']]))"
)


def test_several_instances_start_up_and_pages_may_connect_to_each():
    two = {
        "JANUS_URL": "wss://media1.example.com/janus, wss://media2.example.com/janus",
        "JANUS_ADMIN_URL": "http://10.0.0.5:7088/admin,http://10.0.0.6:7088/admin",
        "JANUS_ADMIN_SECRET": SECRET,
    }
    result = start(PRINT_JANUS, **two)
    assert result.returncode == 0, result.stderr
    servers, connect_src = json.loads(result.stdout)
    assert servers == {
        "wss://media1.example.com/janus": "http://10.0.0.5:7088/admin",
        "wss://media2.example.com/janus": "http://10.0.0.6:7088/admin",
    }
    assert connect_src == ["'self'", *servers]


def test_without_janus_meetings_stay_a_mesh():
    result = start(PRINT_JANUS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{}, ["'self'"]]
