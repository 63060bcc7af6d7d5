"""The meeting socket through Janus: the welcome carries the member's credential, the page
renews it over the socket, and a host's Mute reaches Janus itself."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from rooms.consumers import BAD_MESSAGE
from rooms.models import Actor, JanusCredential, Presence
from tests.helpers import close_code
from tests.rooms.test_meeting_consumer import join, receive

pytestmark = pytest.mark.django_db(transaction=True)


async def test_through_janus_the_welcome_carries_a_credential_and_everyone_gets_media(
    janus, settings, bobs_room
):
    settings.MEETING_MESH_LIMIT = 1  # A mesh limit does not apply: each person sends once.
    pat, pat_welcome = await join(bobs_room, "Pat")
    quinn, quinn_welcome = await join(bobs_room, "Quinn")
    for welcome in (pat_welcome, quinn_welcome):
        assert welcome["media"] is True
        assert set(welcome["janus"]) == {"server", "room", "token", "expires_in"}
        assert welcome["janus"]["server"] == janus.url
        assert welcome["janus"]["token"] in janus.tokens()
    assert pat_welcome["janus"]["room"] == quinn_welcome["janus"]["room"]
    assert pat_welcome["janus"]["token"] != quinn_welcome["janus"]["token"]
    roster = (await receive(quinn, "roster"))["peers"]
    assert [peer["media"] for peer in roster] == [True, True]
    await pat.disconnect()
    await quinn.disconnect()


async def test_the_page_renews_its_credential_over_the_socket(janus, bobs_room):
    pat, welcome = await join(bobs_room, "Pat")
    before = await database_sync_to_async(JanusCredential.objects.get)()
    await asyncio.sleep(1.1)  # expires_in is in whole seconds
    await pat.send_to(text_data=json.dumps({"type": "janus"}))
    renewed = (await receive(pat, "janus"))["janus"]
    after = await database_sync_to_async(JanusCredential.objects.get)()
    assert renewed["token"] == welcome["janus"]["token"]
    assert after.expires_at > before.expires_at
    await pat.disconnect()


async def test_without_janus_asking_for_a_credential_closes_the_socket(bobs_room):
    pat, welcome = await join(bobs_room, "Pat")
    assert "janus" not in welcome
    await pat.send_to(text_data=json.dumps({"type": "janus"}))
    assert await close_code(pat) == BAD_MESSAGE
    await pat.disconnect()


async def test_a_hosts_mute_has_janus_drop_the_microphone_until_they_turn_it_on(
    janus, browsers, bobs_room
):
    pat, welcome = await join(bobs_room, "Pat")
    credential = welcome["janus"]
    page = await asyncio.to_thread(lambda: browsers(credential["server"], credential["token"]))
    await asyncio.to_thread(page.open)
    handle, _ = await asyncio.to_thread(page.join, credential["room"], None, welcome["id"])
    await asyncio.to_thread(page.publish, handle)

    row = await database_sync_to_async(Presence.objects.select_related("room__owner").get)()
    await database_sync_to_async(row.mute)(by=Actor.account(bobs_room.owner))
    await receive(pat, "muted")
    muted = await asyncio.to_thread(page.event, lambda data: "moderation" in data)
    assert muted["moderation"] == "muted"

    state = {"type": "state", "audio": True, "video": False, "screen": None}
    await pat.send_to(text_data=json.dumps(state))
    lifted = await asyncio.to_thread(page.event, lambda data: "moderation" in data)
    assert lifted["moderation"] == "unmuted"
    await pat.disconnect()
