"""ICE servers for a person: none by default, STUN as set, and TURN credentials that coturn's
use-auth-secret accepts, made per person, expiring, and never carrying the secret."""

import json
import time

import pytest

from rooms.ice import ice_servers
from tests.test_settings import start

SECRET = "a-turn-secret-of-at-least-32-characters!"
TURN_URLS = ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]


@pytest.fixture
def turn(settings):
    settings.TURN_URLS = TURN_URLS
    settings.TURN_SECRET = SECRET
    settings.TURN_CREDENTIAL_TTL = 43200
    return settings


def test_it_needs_no_ice_servers_by_default():
    assert ice_servers("member-1") == []


def test_it_lists_the_stun_servers(settings):
    settings.STUN_URLS = ["stun:stun.example.test:3478"]
    assert ice_servers("member-1") == [{"urls": ["stun:stun.example.test:3478"]}]


def test_it_makes_the_credential_coturn_computes(turn, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.7)
    [server] = ice_servers("member-7f3a")
    # Worked out apart from the code: printf '%s' 1700043200:member-7f3a |
    #   openssl dgst -sha1 -hmac "$SECRET" -binary | base64
    assert server == {
        "urls": TURN_URLS,
        "username": "1700043200:member-7f3a",
        "credential": "Bei80StSvZT+wXVMmyr15g4I8S4=",
    }


def test_the_credential_expires_after_the_ttl(turn):
    before = int(time.time())
    [server] = ice_servers("member-1")
    after = int(time.time())
    expiry, identity = server["username"].split(":", 1)
    assert before + 43200 <= int(expiry) <= after + 43200
    assert identity == "member-1"


def test_each_person_gets_their_own_credential(turn):
    [alice] = ice_servers("member-alice")
    [bob] = ice_servers("member-bob")
    assert alice["username"] != bob["username"]
    assert alice["credential"] != bob["credential"]


def test_the_secret_never_appears_in_the_output(turn, settings):
    settings.STUN_URLS = ["stun:stun.example.test:3478"]
    servers = json.dumps(ice_servers("member-1"))
    assert "turn.example.com" in servers
    assert SECRET not in servers


def test_it_refuses_a_missing_identity(turn):
    with pytest.raises(ValueError, match="identity"):
        ice_servers("")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STUN_URLS": "stun.example.test"}, "STUN_URLS must be comma-separated URLs like stun:"),
        ({"TURN_URLS": "https://turn.example.com"}, "TURN_URLS must be comma-separated URLs"),
        ({"TURN_URLS": "turn:turn.example.com"}, "TURN_SECRET must be set"),
        ({"TURN_URLS": "turn:turn.example.com", "TURN_SECRET": "short"}, "at least 32"),
        ({"TURN_SECRET": SECRET}, "TURN_SECRET is set but TURN_URLS is not"),
        ({"TURN_CREDENTIAL_TTL": "0"}, "TURN_CREDENTIAL_TTL must be at least 1"),
    ],
)
def test_a_bad_ice_setting_stops_start_up_and_names_the_variable(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert message in result.stderr


PRINT_ICE = (
    "import django, json; django.setup(); from rooms.ice import ice_servers; "
    "print(json.dumps(ice_servers('member-1')))"
)


def test_ice_settings_come_from_the_environment():
    before = int(time.time())
    result = start(
        PRINT_ICE,
        STUN_URLS="stun:stun.example.test:3478",
        TURN_URLS=",".join(TURN_URLS),
        TURN_SECRET=SECRET,
        TURN_CREDENTIAL_TTL="600",
    )
    assert result.returncode == 0, result.stderr
    stun, turn = json.loads(result.stdout)
    assert stun == {"urls": ["stun:stun.example.test:3478"]}
    assert turn["urls"] == TURN_URLS
    # Issued while the process ran, however long it took to start: 600 seconds from then.
    assert before + 600 <= int(turn["username"].split(":")[0]) <= int(time.time()) + 600
