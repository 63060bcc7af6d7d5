"""Janus instances that restart, die or drop out of reach: the database keeps the truth and the
app rebuilds on Janus what is missing, on the next use."""

import secrets
import signal

import pytest

from rooms import janus as media
from rooms.models import JanusCredential, JanusRoom
from tests.janus.support import JanusProcess, Refused, require_janus
from tests.live import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def instances(settings, monkeypatch):
    """instances(n): n fresh Janus processes, all in the app's settings; all stopped after."""
    started = []
    monkeypatch.setattr(media, "TIMEOUT", 0.5)  # A paused instance is given up on quickly.

    def start(count: int) -> list[JanusProcess]:
        require_janus()
        secret = secrets.token_urlsafe(24)  # One admin secret for all, as in production.
        processes = [JanusProcess(secret) for _ in range(count)]
        started.extend(processes)
        settings.JANUS_SERVERS = {p.url: p.admin_url for p in processes}
        settings.JANUS_ADMIN_SECRET = secret
        return processes

    yield start
    for process in started:
        if process.process and process.process.poll() is None:
            process.process.send_signal(signal.SIGCONT)
        process.stop()


def test_a_restarted_janus_gets_the_room_back_on_next_use(instances, browsers, alices_room):
    (janus,) = instances(1)
    dora = media.credential_for(alices_room, "guest-dora")
    eve = media.credential_for(alices_room, "guest-eve")
    browsers(janus.url, eve.token).open().join(eve.room)

    janus.kill()
    janus.start()
    assert not janus.room_exists(dora.room)  # Janus forgot everything...

    again = media.credential_for(alices_room, "guest-dora")  # ...until the next use.

    assert (again.room, again.token) == (dora.room, dora.token)
    assert janus.room_exists(dora.room)
    # Eve's page reconnects with the credential it has: the room was rebuilt with it.
    _, joined = browsers(janus.url, eve.token).open().join(eve.room)
    assert joined["videoroom"] == "joined"
    assert janus.tokens() == {dora.token, eve.token}


def test_a_dead_instance_moves_the_room_to_a_live_one(instances, browsers, alices_room):
    first, second = instances(2)
    old = media.credential_for(alices_room, "guest-dora")
    assert old.server == first.url

    first.kill()
    new = media.credential_for(alices_room, "guest-dora")

    assert new.server == second.url
    assert new.token != old.token
    _, joined = browsers(second.url, new.token).open().join(new.room)
    assert joined["videoroom"] == "joined"
    with pytest.raises(Refused):
        browsers(second.url, old.token).open()
    # The old placement waits, retired, until its instance answers again.
    retired = JanusRoom.objects.get(server=first.url)
    assert retired.retired_at is not None
    assert JanusRoom.objects.get(retired_at=None).server == second.url
    first.start()
    assert media.sync_all() == {first.url: True, second.url: True}
    assert not JanusRoom.objects.filter(server=first.url).exists()


def test_new_rooms_go_to_the_instance_with_fewest_people(instances, alices_room, bobs_room):
    first, second = instances(2)
    assert media.credential_for(alices_room, "guest-dora").server == first.url
    assert media.credential_for(bobs_room, "guest-eve").server == second.url
    assert media.credential_for(alices_room, "guest-fay").server == first.url


def test_an_instance_out_of_reach_is_cleaned_when_it_answers_again(
    instances, browsers, alice, alices_room
):
    """A Janus that only dropped out of reach still holds the room and its tokens: once it
    answers again, the app destroys the room it no longer grants."""
    first, _ = instances(2)
    credential = media.credential_for(alices_room, "guest-dora")
    dora = browsers(first.url, credential.token).open()
    dora.join(credential.room)

    first.process.send_signal(signal.SIGSTOP)  # Out of reach: connections hang.
    alices_room.delete_with_files(by=alice)
    assert JanusRoom.objects.get().retired_at is not None  # Nothing lost: kept for later.
    assert JanusCredential.objects.count() == 1

    first.process.send_signal(signal.SIGCONT)
    assert media.sync(first.url)

    assert not first.room_exists(credential.room)
    assert credential.token not in first.tokens()
    with pytest.raises(Refused):
        dora.send("keepalive")
    assert not JanusRoom.objects.exists()


def test_without_any_janus_answering_the_request_fails_and_loses_nothing(settings, alices_room):
    settings.JANUS_SERVERS = {f"ws://127.0.0.1:{free_port()}": f"http://127.0.0.1:{free_port()}"}
    settings.JANUS_ADMIN_SECRET = "x" * 24
    with pytest.raises(media.JanusUnavailable):
        media.credential_for(alices_room, "guest-dora")
    # Kept, retired, to be cleaned up on that instance once it answers.
    assert JanusRoom.objects.get().retired_at is not None
    # Passed over for a while: the next request does not wait for it again.
    with pytest.raises(media.JanusUnavailable, match="No Janus instance answered"):
        media.credential_for(alices_room, "guest-dora")
    assert JanusRoom.objects.count() == 1
