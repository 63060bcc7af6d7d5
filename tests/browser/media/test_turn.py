"""TURN through a real coturn: browsers allowed only relayed candidates connect with the
credentials rooms.ice makes, and get no relay with a wrong or expired credential."""

import time

import pytest
from playwright.sync_api import Page

from rooms.ice import ice_servers
from tests.browser.media.peers import HARNESS_SITE, connect, offer, open_peer, wait_connected
from tests.media import (
    candidate_errors,
    described_candidates,
    selected_pairs,
    wait_for_frames_growing,
)


@pytest.fixture
def server_env():
    return HARNESS_SITE


def relay_only(identity: str) -> dict:
    return {"iceServers": ice_servers(identity), "iceTransportPolicy": "relay"}


def refused_relay(page: Page) -> list[dict]:
    """Gathers candidates for an offer; returns the TURN errors, having checked none came."""
    assert "typ relay" not in offer(page)["sdp"]
    assert described_candidates(page) == []
    return candidate_errors(page)


def test_browsers_forced_through_turn_connect_with_the_apps_credentials(new_context, coturn):
    alice = open_peer(new_context().new_page(), relay_only("member-alice"))
    bob = open_peer(new_context().new_page(), relay_only("member-bob"))
    connect(alice, bob)

    for page in (alice, bob):
        wait_connected(page)
        wait_for_frames_growing(page.locator("#remote"), by=30)
        [(local, remote)] = selected_pairs(page)
        assert local["candidateType"] == remote["candidateType"] == "relay"
        assert local["address"] == remote["address"] == coturn.host
        # Relayed candidates only: "a=candidate:... udp <priority> <address> <port> typ relay ..."
        signalled = described_candidates(page)
        assert {(line.split()[4], line.split()[7]) for line in signalled} == {
            (coturn.host, "relay")
        }
    assert candidate_errors(alice) == candidate_errors(bob) == []


def test_a_wrong_credential_gets_no_relay(new_context, coturn, settings):
    settings.TURN_SECRET = "not-" + coturn.secret
    page = open_peer(new_context().new_page(), relay_only("member-charlie"))
    errors = refused_relay(page)
    assert {error["errorCode"] for error in errors} == {401}


def test_an_expired_credential_gets_no_relay(new_context, coturn, settings, monkeypatch):
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: now - settings.TURN_CREDENTIAL_TTL - 60)
        config = relay_only("member-charlie")
    page = open_peer(new_context().new_page(), config)
    errors = refused_relay(page)
    assert {error["errorCode"] for error in errors} == {401}
