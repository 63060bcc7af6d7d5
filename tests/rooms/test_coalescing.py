"""Who is here costs a render per socket per moment, not per event: a lone change shows at once,
the hints of a burst (people arriving together) make one render per STREAM_COALESCE_MS, an
unchanged list or roster is not sent again, and "Who is here now" lists the first 50 and counts
the rest.

The bursts count renders: the consumers' own methods, wrapped to count their calls (and still
called). A socket is done with a burst once it has handled every hint sent to it and has no
render pending. A burst longer than a window may cost one render per window it spans, so the
bound grows with how long the burst took (on a slow machine, a looser bound); before
coalescing there was one render per hint."""

import asyncio
import time
from collections import Counter

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from rooms import consumers, push
from rooms.models import PRESENCE_LIST_MAX, Presence
from tests.helpers import PATIENCE, browser, elements, listen, text
from tests.rooms.test_meeting_consumer import meeting_path, receive

pytestmark = pytest.mark.django_db(transaction=True)
ARRIVALS = 20
WINDOW_MS = 500


def bound(took: float) -> float:
    """Renders a burst of `took` seconds may cost one socket: the first at once, one per window
    it spans, and one for a hint that came while a render was under way."""
    return 2 + took / (WINDOW_MS / 1000)


@pytest.fixture
def counted(monkeypatch):
    """Counts calls of consumer methods (by "Class.method"), which still run as ever."""
    calls: Counter[str] = Counter()
    instances: dict[str, object] = {}

    def count(cls, name: str) -> None:
        original = getattr(cls, name)
        key = f"{cls.__name__}.{name}"

        if asyncio.iscoroutinefunction(original):

            async def wrapper(self, *args, **kwargs):
                calls[key] += 1
                instances[key] = self
                return await original(self, *args, **kwargs)
        else:

            def wrapper(self, *args, **kwargs):
                calls[key] += 1
                instances[key] = self
                return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)

    count.calls, count.instances = calls, instances
    return count


async def settled(soon_of, handled, sent, timeout: float = 30) -> None:
    """Until every hint sent was handled and no coalesced render is pending or running."""
    async with asyncio.timeout(timeout):
        while True:
            soon = soon_of()
            idle = soon is None or (soon.task is None and not soon.lock.locked())
            if handled() >= sent() and idle:
                return
            await asyncio.sleep(0.02)


async def test_a_burst_of_arrivals_makes_a_bounded_number_of_renders(bobs_room, settings, counted):
    settings.STREAM_COALESCE_MS = WINDOW_MS
    counted(consumers.MeetingConsumer, "tell_the_room")
    counted(consumers.PresenceConsumer, "presence_changed")
    counted(consumers.PresenceConsumer, "render")
    counted(consumers.MeetingConsumer, "send_roster")
    calls = counted.calls
    watcher = await browser(bobs_room, name="Watcher")
    people = await listen(f"/ws{bobs_room.participant_path}room/", watcher)
    assert "Nobody yet." in await people.receive_from(timeout=PATIENCE)  # The snapshot.
    guests = [await browser(bobs_room, name=f"Arrival {n:02}") for n in range(ARRIVALS)]

    started = time.monotonic()
    sockets = await asyncio.gather(*[listen(meeting_path(bobs_room), g) for g in guests])
    for socket in sockets:
        await receive(socket, "welcome")
    watching = counted.instances.get

    def soon():
        return getattr(watching("PresenceConsumer.render"), "soon", None)

    await settled(
        soon,
        lambda: calls["PresenceConsumer.presence_changed"],
        lambda: calls["MeetingConsumer.tell_the_room"],
    )
    took = time.monotonic() - started
    assert calls["MeetingConsumer.tell_the_room"] == ARRIVALS  # One hint each arrival.
    renders = calls["PresenceConsumer.render"] - 1  # Past the snapshot.
    assert 1 <= renders <= bound(took), (renders, took)  # One a window, not one an arrival.
    # Each meeting socket reads the roster at most once a window too (not once an arrival).
    assert calls["MeetingConsumer.send_roster"] <= ARRIVALS * bound(took)
    html = await people.receive_from(timeout=PATIENCE)
    while "Arrival 19" not in html:  # What was sent last shows everyone.
        html = await people.receive_from(timeout=PATIENCE)
    for socket in [people, *sockets]:
        await socket.disconnect()


async def listen_meeting(room, client: Client):
    communicator = await listen(meeting_path(room), client)
    return communicator, await receive(communicator, "welcome")


async def test_an_unchanged_list_is_not_sent_again(bobs_room, settings):
    settings.STREAM_COALESCE_MS = 1
    watcher = await browser(bobs_room, name="Watcher")
    people = await listen(f"/ws{bobs_room.participant_path}room/", watcher)
    await people.receive_from(timeout=PATIENCE)
    group = push.presence_group(bobs_room.code)
    await get_channel_layer().group_send(group, {"type": push.PRESENCE_CHANGED})  # No change.
    pat = await browser(bobs_room, name="Pat")
    meeting, _ = await listen_meeting(bobs_room, pat)
    assert "Pat" in await people.receive_from(timeout=PATIENCE)  # The next frame is the change.
    for socket in (people, meeting):
        await socket.disconnect()


def many_here(room, count: int) -> None:
    Presence.objects.bulk_create(
        Presence(room=room, channel_name=f"c{n}", display_name=f"Person {n:02}", session_key="s")
        for n in range(count)
    )


async def test_who_is_here_lists_the_first_and_counts_the_rest(bobs_room):
    await database_sync_to_async(many_here)(bobs_room, PRESENCE_LIST_MAX + 3)
    watcher = await browser(bobs_room, name="Watcher")
    page = await database_sync_to_async(watcher.get)(f"{bobs_room.participant_path}room/")
    people = await listen(f"/ws{bobs_room.participant_path}room/", watcher)
    pushed = await people.receive_from(timeout=PATIENCE)
    for html in (page.content.decode(), pushed):
        (listed,) = elements(html, "ul", id="presence-list")
        assert len(elements(listed, "li", class_="person")) == PRESENCE_LIST_MAX
        assert text(elements(listed, "li", class_="people-more muted")[0]) == "and 3 more"
        assert "Person 00" in html and f"Person {PRESENCE_LIST_MAX + 2}" not in html
    await people.disconnect()


async def test_a_lone_arrival_shows_at_once(bobs_room, settings):
    settings.STREAM_COALESCE_MS = 3_600_000  # An hour: only a render at once can pass.
    watcher = await browser(bobs_room, name="Watcher")
    people = await listen(f"/ws{bobs_room.participant_path}room/", watcher)
    await people.receive_from(timeout=PATIENCE)
    meeting, _ = await listen_meeting(bobs_room, await browser(bobs_room, name="Pat"))
    assert "Pat" in await people.receive_from(timeout=PATIENCE)
    for socket in (people, meeting):
        await socket.disconnect()
