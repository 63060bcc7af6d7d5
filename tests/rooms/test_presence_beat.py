"""The meeting sockets' presence heartbeat: one beat a process, whatever how many people it
holds (issue 14: under 10 writes a second per 1,000 sockets), and still the rows of a process
that died leave the room's list."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rooms.consumers import Beats, beats
from rooms.models import Presence
from tests.rooms.test_meeting_consumer import join

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = ("UPDATE", "DELETE", "INSERT")


def beat_and_count_writes() -> tuple[set[str], int]:
    with CaptureQueriesContext(connection) as queries:
        changed = Beats.beat([], [], dict(beats.meetings))
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(WRITES)]
    return changed, len(writes)


def age_every_row() -> None:
    Presence.objects.update(seen_at=timezone.now() - timedelta(seconds=10))


@pytest.mark.parametrize("people", [2, 12])
async def test_one_write_beats_every_meeting_socket_of_the_process(bobs_room, people):
    sockets = [(await join(bobs_room, f"P{n}"))[0] for n in range(people)]
    await database_sync_to_async(age_every_row)()
    changed, writes = await database_sync_to_async(beat_and_count_writes)()
    assert writes == 1  # One UPDATE for all of them: 2 people or 12.
    assert changed == set()  # Nobody came or went.
    fresh = await database_sync_to_async(Presence.objects.here().count)()
    assert fresh == people
    for socket in sockets:
        await socket.disconnect()


async def test_a_dead_processs_rows_go_and_a_row_cleared_too_early_comes_back(bobs_room):
    pat, _ = await join(bobs_room, "Pat")

    def leave_a_dead_row_and_lose_pats() -> None:
        long_ago = timezone.now() - timedelta(hours=1)
        Presence.objects.create(
            room=bobs_room, channel_name="dead-process", display_name="Ghost", seen_at=long_ago
        )
        Presence.objects.filter(display_name="Pat").delete()  # Another process's sweep.

    await database_sync_to_async(leave_a_dead_row_and_lose_pats)()
    changed, _ = await database_sync_to_async(beat_and_count_writes)()
    assert changed == {bobs_room.code}  # The room is told: its list changes.
    names = await database_sync_to_async(
        lambda: sorted(Presence.objects.values_list("display_name", flat=True))
    )()
    assert names == ["Pat"]
    await pat.disconnect()
