"""The app creates, ends and cleans up Janus rooms with its own rooms, and moderates in them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rooms import janus as media
from rooms.models import Actor, JanusCredential, JanusRoom
from tests.janus.support import Refused
from tests.live import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def joined_publisher(browsers, credential, display="Dora"):
    browser = browsers(credential.server, credential.token).open()
    handle, joined = browser.join(credential.room, display=display)
    browser.publish(handle)
    return browser, joined


def test_a_janus_room_is_created_on_first_use_only(janus, alices_room):
    assert not JanusRoom.objects.exists()
    credential = media.credential_for(alices_room, "guest-dora")
    media.credential_for(alices_room, "guest-eve")
    assert JanusRoom.objects.get().janus_id == credential.room
    assert janus.room_exists(credential.room)


def test_deleting_the_room_destroys_its_janus_room(janus, browsers, alice, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    dora, _ = joined_publisher(browsers, credential)

    alices_room.delete_with_files(by=alice)

    assert dora.event(lambda data: data.get("videoroom") == "destroyed")
    assert not janus.room_exists(credential.room)
    assert credential.token not in janus.tokens()
    with pytest.raises(Refused):
        browsers(janus.url, credential.token).open()
    assert not JanusRoom.objects.exists()
    assert not JanusCredential.objects.exists()


def test_deleting_the_owner_destroys_their_rooms_on_janus(janus, alice, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    alice.delete()
    assert not janus.room_exists(credential.room)
    assert not JanusRoom.objects.exists()


def test_ending_the_meeting_for_all_ends_every_session(janus, browsers, alices_room):
    dora_credential = media.credential_for(alices_room, "guest-dora")
    eve_credential = media.credential_for(alices_room, "guest-eve")
    dora, _ = joined_publisher(browsers, dora_credential)
    eve, _ = joined_publisher(browsers, eve_credential, "Eve")

    media.end_meeting(alices_room)

    assert not janus.room_exists(dora_credential.room)
    for browser in (dora, eve):
        with pytest.raises(Refused):
            browser.send("keepalive")
    assert janus.admin("list_sessions")["sessions"] == []
    # Whoever is still admitted starts a fresh meeting.
    again = media.credential_for(alices_room, "guest-dora")
    assert again.room != dora_credential.room
    assert again.token != dora_credential.token
    browsers(janus.url, again.token).open().join(again.room)


def test_renaming_or_locking_keeps_the_janus_room(janus, alice, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    alices_room.rename("Retro", by=alice)
    alices_room.set_locked(False, by=Actor.account(alice))
    assert janus.room_exists(credential.room)
    assert media.credential_for(alices_room, "guest-dora").token == credential.token


def test_mute_is_enforced_by_janus_and_can_be_lifted(janus, browsers, alices_room):
    dora, dora_joined = joined_publisher(browsers, media.credential_for(alices_room, "guest-dora"))
    eve, _ = joined_publisher(browsers, media.credential_for(alices_room, "guest-eve"), "Eve")

    assert media.mute(alices_room, "guest-dora") == 1

    muted = dora.event(lambda data: data.get("moderation") == "muted")
    assert muted["id"] == dora_joined["id"]
    assert eve.event(lambda data: data.get("moderation") == "muted")["id"] == dora_joined["id"]
    assert media.mute(alices_room, "guest-dora", muted=False) == 1
    assert dora.event(lambda data: data.get("moderation") == "unmuted")


def test_mute_touches_only_that_persons_microphone(janus, browsers, alices_room):
    joined_publisher(browsers, media.credential_for(alices_room, "guest-dora"))
    eve, _ = joined_publisher(browsers, media.credential_for(alices_room, "guest-eve"), "Eve")
    assert media.mute(alices_room, "guest-nobody") == 0
    media.mute(alices_room, "guest-dora")
    muted = eve.event(lambda data: data.get("moderation") == "muted")
    with pytest.raises(TimeoutError):
        eve.event(lambda data: data.get("moderation") == "muted", timeout=0.5)
    assert muted


def test_a_camera_only_publisher_has_no_microphone_to_mute(janus, browsers, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    browser = browsers(credential.server, credential.token).open()
    handle, _ = browser.join(credential.room)
    browser.publish(handle, audio=False)
    assert media.mute(alices_room, "guest-dora") == 0


def test_feeds_are_named_by_the_token_not_the_display_name(janus, browsers, alices_room):
    _, dora = joined_publisher(browsers, media.credential_for(alices_room, "guest-dora"), "Eve")
    _, eve = joined_publisher(browsers, media.credential_for(alices_room, "guest-eve"), "Eve")
    assert media.feeds(alices_room) == {"guest-dora": [dora["id"]], "guest-eve": [eve["id"]]}


def test_an_expired_credential_is_removed_from_janus(janus, browsers, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    dora = browsers(janus.url, credential.token).open()
    JanusCredential.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert media.sync(janus.url)

    assert credential.token not in janus.tokens()
    with pytest.raises(Refused):
        dora.send("keepalive")
    assert not JanusCredential.objects.exists()
    assert janus.room_exists(credential.room)  # The room stays for whoever is still there.


def test_the_next_credential_request_sweeps_expired_ones(janus, alices_room):
    old = media.credential_for(alices_room, "guest-dora")
    JanusCredential.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    media.credential_for(alices_room, "guest-eve")
    assert old.token not in janus.tokens()
    assert list(JanusCredential.objects.values_list("holder", flat=True)) == ["guest-eve"]


def test_an_expired_credential_is_not_renewed(janus, alices_room):
    old = media.credential_for(alices_room, "guest-dora")
    JanusCredential.objects.update(expires_at=timezone.now())
    assert media.credential_for(alices_room, "guest-dora").token != old.token


def test_nothing_is_done_without_janus_configured(settings, alice, alices_room):
    settings.JANUS_SERVERS = {}
    assert not media.enabled()
    media.revoke(alices_room, "guest-dora")
    media.end_meeting(alices_room)
    alices_room.regenerate_links(by=alice)
    alices_room.delete_with_files(by=alice)
    assert not JanusRoom.objects.exists()


def test_the_sync_command_cleans_up_every_instance(janus, alices_room):
    credential = media.credential_for(alices_room, "guest-dora")
    JanusCredential.objects.update(expires_at=timezone.now())
    out = StringIO()
    call_command("janus_sync", stdout=out)
    assert f"{janus.url}: clean" in out.getvalue()
    assert credential.token not in janus.tokens()


def test_the_sync_command_fails_while_an_instance_is_out_of_reach(settings, alices_room):
    settings.JANUS_SERVERS = {"ws://127.0.0.1:9": f"http://127.0.0.1:{free_port()}/admin"}
    settings.JANUS_ADMIN_SECRET = "x" * 24
    JanusRoom.objects.create(
        room=alices_room,
        server="ws://127.0.0.1:9",
        janus_id=7,
        secret="s",
        links="l",
        retired_at=timezone.now(),
    )
    with pytest.raises(CommandError, match="did not answer"):
        call_command("janus_sync", stdout=StringIO())
    assert JanusRoom.objects.exists()
