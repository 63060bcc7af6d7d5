"""Janus itself lets in a member with the app's credential and refuses everyone else."""

import pytest
from django.utils import timezone

from rooms import janus as media
from rooms.models import JanusCredential, JanusRoom, JoinRequest
from tests.janus.support import Refused

pytestmark = pytest.mark.django_db(transaction=True)

NOT_AUTHORIZED = 403  # Janus core: no valid token.
NOT_ALLOWED = 433  # VideoRoom: not in this room's allowed list, or a wrong secret or key.
MISSING = 429  # VideoRoom: a required element (the secret, the admin key) is missing.


def test_an_admitted_member_joins_their_room(janus, browsers, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    assert credential.server == janus.url
    browser = browsers(credential.server, credential.token).open()
    _, joined = browser.join(credential.room, display="Dora")
    assert joined["videoroom"] == "joined"
    assert joined["room"] == credential.room


def test_the_credential_names_the_room_on_janus_and_its_token(janus, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    placement = JanusRoom.objects.get(room=alices_room, retired_at=None)
    assert credential.room == placement.janus_id
    assert janus.room_exists(placement.janus_id)
    assert credential.token in janus.tokens()
    assert set(credential.as_json()) == {"server", "room", "token", "expires_in"}


def test_a_stranger_cannot_even_open_a_session(janus, browsers, alices_room):
    media.credential_for(alices_room, "guest-dora")
    for token in (None, "", "guessed-token"):
        with pytest.raises(Refused) as refused:
            browsers(janus.url, token).open()
        assert refused.value.code == NOT_AUTHORIZED


def test_a_guest_still_waiting_has_nothing_janus_accepts(janus, browsers, alices_room, bobs_room):
    """A waiting guest is issued nothing; a credential they hold for another room, where they
    were let in, opens a session but does not join this room."""
    JoinRequest.ask(alices_room, "guest-eve", "Eve")  # Locked: Eve waits.
    assert not JanusCredential.objects.filter(holder="guest-eve").exists()
    member = media.credential_for(alices_room, "guest-dora")
    dora = browsers(member.server, member.token).open()
    dora.join(member.room)

    elsewhere = media.credential_for(bobs_room, "guest-eve")
    eve = browsers(elsewhere.server, elsewhere.token).open()
    with pytest.raises(Refused) as refused:
        eve.join(member.room, token=elsewhere.token)
    assert refused.value.code == NOT_ALLOWED


def test_a_renewal_keeps_the_token_and_extends_it(janus, alices_room):
    first = media.credential_for(alices_room, "guest-dora")
    again = media.credential_for(alices_room, "guest-dora")
    assert again.token == first.token
    assert again.expires_at >= first.expires_at
    assert JanusCredential.objects.filter(holder="guest-dora").count() == 1


def test_each_member_gets_their_own_token(janus, alices_room):
    dora = media.credential_for(alices_room, "guest-dora")
    eve = media.credential_for(alices_room, "guest-eve")
    assert dora.token != eve.token
    assert dora.room == eve.room
    assert len(dora.token) >= 43  # 256 bits from secrets.


def test_a_removed_member_is_kicked_and_their_credential_replayed_is_refused(
    janus, browsers, alices_room
):
    dora_credential = media.credential_for(alices_room, "guest-dora")
    eve_credential = media.credential_for(alices_room, "guest-eve")
    dora = browsers(janus.url, dora_credential.token).open()
    dora_handle, _ = dora.join(dora_credential.room, display="Dora")
    dora.publish(dora_handle)
    eve = browsers(janus.url, eve_credential.token).open()
    eve_handle, eve_joined = eve.join(eve_credential.room, display="Eve")
    eve.publish(eve_handle)

    media.revoke(alices_room, "guest-eve")

    # Everyone else sees Eve's feed go, and Eve's own session is gone.
    eve_feed = eve_joined["id"]
    assert dora.event(lambda data: eve_feed in (data.get("leaving"), data.get("unpublished")))
    with pytest.raises(Refused) as refused:
        eve.send("keepalive")
    assert refused.value.code == NOT_AUTHORIZED
    # Replaying her credential from a new page: no session, let alone the room.
    with pytest.raises(Refused) as refused:
        browsers(janus.url, eve_credential.token).open()
    assert refused.value.code == NOT_AUTHORIZED
    assert eve_credential.token not in janus.tokens()
    assert not JanusCredential.objects.filter(holder="guest-eve").exists()
    # Dora stays.
    assert dora.send("keepalive")["janus"] == "ack"


def test_a_revoked_member_asking_again_gets_a_new_token_not_the_old_one(janus, alices_room):
    old = media.credential_for(alices_room, "guest-eve")
    media.revoke(alices_room, "guest-eve")
    new = media.credential_for(alices_room, "guest-eve")  # Let in again by a host.
    assert new.token != old.token
    assert old.token not in janus.tokens()


def test_new_links_refuse_the_former_host(janus, browsers, alice, alices_room):
    host = media.credential_for(alices_room, "guest-hank")
    old_room = host.room
    hank = browsers(janus.url, host.token).open()
    hank.join(host.room, display="Hank")

    alices_room.regenerate_links(by=alice)

    assert not janus.room_exists(old_room)
    with pytest.raises(Refused) as refused:
        browsers(janus.url, host.token).open()
    assert refused.value.code == NOT_AUTHORIZED
    # The owner, still admitted, gets a new VideoRoom and a new token.
    owner = media.credential_for(alices_room, "guest-alice")
    assert owner.room != old_room
    browsers(janus.url, owner.token).open().join(owner.room)


def test_a_browser_cannot_create_list_or_destroy_rooms(janus, browsers, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    dora = browsers(janus.url, credential.token).open()
    handle = dora.attach()

    def sync_request(body: dict) -> dict:
        return dora.send("message", handle, body=body)["plugindata"]["data"]

    create = {"request": "create", "room": 4242}
    assert sync_request(create)["error_code"] == MISSING
    assert sync_request({**create, "admin_key": "guess"})["error_code"] == NOT_ALLOWED
    assert not janus.room_exists(4242)
    destroy = {"request": "destroy", "room": credential.room}
    assert sync_request(destroy)["error_code"] == MISSING
    assert sync_request({**destroy, "secret": "guess"})["error_code"] == NOT_ALLOWED
    assert janus.room_exists(credential.room)
    assert sync_request({"request": "list"})["list"] == []  # Our rooms are private.
    kick = {"request": "kick", "room": credential.room, "id": 1, "secret": "guess"}
    assert sync_request(kick)["error_code"] == NOT_ALLOWED


def test_a_page_of_another_site_cannot_open_the_websocket(janus, browsers, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    with pytest.raises(Exception, match="HTTP"):
        browsers(janus.url, credential.token, origin="https://evil.example")


def test_the_admin_api_refuses_a_wrong_secret(janus):
    janus.admin_secret, right = "wrong-secret-xxxxxxxx", janus.admin_secret
    try:
        reply = janus.admin("list_sessions")
    finally:
        janus.admin_secret = right
    assert reply["error"]["code"] == NOT_AUTHORIZED


def racing(monkeypatch, action):
    """Run `action` (committed, synced to Janus) once, just before a request adds its tokens."""
    add_tokens = media.Admin.add_tokens
    pending = [action]

    def add_after(admin, tokens):
        tokens = list(tokens)
        while pending:
            pending.pop()()
        add_tokens(admin, tokens)

    monkeypatch.setattr(media.Admin, "add_tokens", add_after)


def test_a_removal_racing_a_renewal_still_wins(janus, monkeypatch, alices_room):
    media.credential_for(alices_room, "guest-dora")
    racing(monkeypatch, lambda: media.revoke(alices_room, "guest-dora"))
    credential = media.credential_for(alices_room, "guest-dora")
    assert credential.token not in janus.tokens()
    assert not JanusCredential.objects.filter(expires_at__gt=timezone.now()).exists()


def test_a_meeting_ended_during_a_credential_request_leaves_nothing_behind(
    janus, monkeypatch, alices_room
):
    first = media.credential_for(alices_room, "guest-dora")
    earlier_tests = janus.tokens() - {first.token}
    racing(monkeypatch, lambda: media.end_meeting(alices_room))
    credential = media.credential_for(alices_room, "guest-eve")
    assert not janus.room_exists(first.room)
    assert credential.room != first.room
    assert janus.room_exists(credential.room)
    assert janus.tokens() - earlier_tests == {credential.token}  # Eve's first one taken back.
