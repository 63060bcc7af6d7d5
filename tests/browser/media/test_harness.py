"""The media harness itself: two browsers in the test's namespace send each other video and
sound, and every ICE candidate is an address of that namespace (no mDNS, no other interface)."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.media.peers import HARNESS_SITE, connect, open_peer, wait_connected
from tests.media import (
    described_candidates,
    has_live_audio,
    ice_candidates,
    selected_pairs,
    wait_for_frames_growing,
    wait_for_silence,
    wait_for_sound,
)


@pytest.fixture
def server_env():
    return HARNESS_SITE


def test_two_browsers_in_the_namespace_see_and_hear_each_other(new_context, media_network):
    alice = open_peer(new_context().new_page(), {})
    bob = open_peer(new_context().new_page(), {})
    connect(alice, bob)

    for page in (alice, bob):
        wait_connected(page)
        remote = page.locator("#remote")
        assert wait_for_frames_growing(remote, by=30) >= 30
        assert has_live_audio(remote)
        wait_for_sound(remote)
    screenshot(alice, "media-harness-alice")

    # Alice's microphone off (the track sends silence): Bob hears nothing, Alice still hears Bob.
    alice.evaluate("document.querySelector('#local').srcObject.getAudioTracks()[0].enabled = false")
    wait_for_silence(bob.locator("#remote"))
    wait_for_sound(alice.locator("#remote"))


def test_every_ice_candidate_is_an_address_of_the_namespace(new_context, media_network):
    alice = open_peer(new_context().new_page(), {})
    bob = open_peer(new_context().new_page(), {})
    connect(alice, bob)
    wait_connected(alice)
    wait_connected(bob)

    candidates = ice_candidates(alice) + ice_candidates(bob)
    assert {candidate["address"] for candidate in candidates} == {media_network.inner}
    assert {candidate["candidateType"] for candidate in candidates} == {"host"}
    # Every candidate signalled, paired or not ("a=candidate:... udp <priority> <address> ...").
    signalled = described_candidates(alice) + described_candidates(bob)
    assert {line.split()[4] for line in signalled} == {media_network.inner}
    for page in (alice, bob):
        [(local, remote)] = selected_pairs(page)
        assert local["address"] == remote["address"] == media_network.inner
