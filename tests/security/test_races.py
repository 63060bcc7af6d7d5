"""Two requests on one room at the same moment, in real threads against PostgreSQL.

Each race must end in one consistent outcome: rows, activity log and media folder agree.
SQLite takes one writer at a time, so these races cannot happen there and the tests skip.
"""

from functools import partial

import pytest
from django.test import Client

from rooms.models import IMAGE_FIELDS, Activity, JoinRequest, Room
from tests.helpers import link_rows, stored_files
from tests.rooms.images import give_images
from tests.security.threads import RACES, at_once

pytestmark = RACES
ROUNDS = 25  # A race is a matter of timing: each test runs it several times.


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def referenced_files() -> set[str]:
    return {
        getattr(room, field).name
        for room in Room.objects.all()
        for field in IMAGE_FIELDS
        if getattr(room, field)
    }


def test_duplicate_and_delete_at_once_leave_a_whole_copy_or_nothing(alice, media, settings):
    settings.NEW_ROOM_LIMIT = (ROUNDS, 60)  # alice duplicates once a round
    for round in range(ROUNDS):
        room = give_images(Room.create(alice, name=f"Design {round}", lobby_title="Hi"))
        copying, deleting = logged_in(alice), logged_in(alice)
        everything = {"name": f"Copy {round}", "theme_and_branding": "on", "lobby": "on"}
        copied, deleted = at_once(
            partial(copying.post, f"/rooms/{room.code}/duplicate/", everything),
            partial(deleting.post, f"/rooms/{room.code}/delete/"),
        )
        assert deleted.status_code == 302
        assert not Room.objects.filter(pk=room.pk).exists()
        copies = Room.objects.filter(name=f"Copy {round}")
        if copied.status_code == 302:  # The copy was made first, from the whole room.
            copy = copies.get()
            assert copy.lobby_title == "Hi"
            for field in IMAGE_FIELDS:
                assert getattr(copy, field), f"round {round}: the copy lost its {field}"
            assert Activity.objects.filter(room=copy, kind=Activity.Kind.DUPLICATED).exists()
        else:  # The delete came first: the copy answers as for any missing room.
            assert copied.status_code == 404
            assert not copies.exists()
        # No stray files, none missing: the media folder holds exactly what rooms point at.
        assert stored_files(media) == referenced_files(), f"round {round}"


def test_two_renames_at_once_leave_a_trail_that_ends_at_the_final_name(alice):
    for round in range(ROUNDS):
        room = Room.create(alice, name=f"Start {round}")
        first, second = logged_in(alice), logged_in(alice)
        responses = at_once(
            partial(first.post, f"/rooms/{room.code}/rename/", {"name": f"North {round}"}),
            partial(second.post, f"/rooms/{room.code}/rename/", {"name": f"South {round}"}),
        )
        assert [response.status_code for response in responses] == [302, 302]
        room.refresh_from_db()
        renames = Activity.objects.filter(room=room, kind=Activity.Kind.RENAMED)
        details = [a.detail for a in renames.order_by("created_at", "id")]
        assert len(details) == 2
        # Each row starts where the one before it ended, and the last ends at the name.
        middle = details[0].split(" → ")[1]
        assert details == [f"Start {round} → {middle}", f"{middle} → {room.name}"], details


def test_privacy_set_both_ways_at_once_ends_as_the_last_activity_says(alice):
    for round in range(ROUNDS):
        room = Room.create(alice, name=f"Gate {round}", locked=True)
        unlocking, locking = logged_in(alice), logged_in(alice)
        responses = at_once(
            partial(unlocking.post, f"/rooms/{room.code}/privacy/", {"locked": "0"}),
            partial(locking.post, f"/rooms/{room.code}/privacy/", {"locked": "1"}),
        )
        assert [response.status_code for response in responses] == [302, 302]
        room.refresh_from_db()
        changes = Activity.objects.filter(room=room, kind=Activity.Kind.PRIVACY)
        details = [a.detail for a in changes.order_by("created_at", "id")]
        # Unlocking a locked room always changes it; locking changes it only after that.
        assert details in (["Unlocked"], ["Unlocked", "Locked"]), details
        assert room.locked == (details[-1] == "Locked")


def test_two_deletes_at_once_delete_once(alice, media):
    for round in range(ROUNDS):
        room = give_images(Room.create(alice, name=f"Old {round}"))
        first, second = logged_in(alice), logged_in(alice)
        responses = at_once(
            partial(first.post, f"/rooms/{room.code}/delete/"),
            partial(second.post, f"/rooms/{room.code}/delete/"),
        )
        assert sorted(response.status_code for response in responses) == [302, 404]
        assert not Room.objects.filter(pk=room.pk).exists()
        deleted = Activity.objects.filter(room_name=f"Old {round}", kind=Activity.Kind.DELETED)
        assert deleted.count() == 1
        assert stored_files(media) == set()


def test_customize_and_delete_at_once_never_bring_the_room_back(alice, media):
    for round in range(ROUNDS):
        room = Room.create(alice, name=f"Gone {round}")
        customizing, deleting = logged_in(alice), logged_in(alice)
        data = {"theme": "forest", "button_color": "", "lobby_layout": "simple", **link_rows()}
        customized, deleted = at_once(
            partial(customizing.post, f"/rooms/{room.code}/customize/", data),
            partial(deleting.post, f"/rooms/{room.code}/delete/"),
        )
        assert deleted.status_code == 302
        assert customized.status_code in (302, 404)
        assert not Room.objects.filter(pk=room.pk).exists()


def host_by_link(room: Room) -> Client:
    """Someone anonymous who opened the host link."""
    client = Client()
    client.get(room.host_path)
    return client


# Who posts, and where: each found its room, then lost it to the owner's delete.
PRIVACY_RACERS = {
    "the owner's privacy": ("owner", "privacy/"),
    "the owner's privacy from the room": ("owner", "host/privacy/"),
    "a host's privacy": ("host", "host/privacy/"),
    "a host's Allow all": ("host", "requests/allow-all/"),
    "a host's Allow": ("host", "requests/{pk}/allow/"),
    "a host's Deny": ("host", "requests/{pk}/deny/"),
}


@pytest.mark.parametrize("racer", PRIVACY_RACERS)
@pytest.mark.parametrize("locked", ["0", "1"])
def test_privacy_and_decisions_racing_a_delete_are_a_404(alice, racer, locked):
    """Once a 500: privacy (8 and 6 races of 15) found the room, then the delete came first;
    a decision held its request, the delete the room, and each waited for the other."""
    who, action = PRIVACY_RACERS[racer]
    seen = set()
    for round in range(ROUNDS):
        room = Room.create(alice, name=f"Gate {round}", locked=locked == "0")
        dana = JoinRequest.ask(room, f"guest-{round}", "Dana")
        setting = logged_in(alice) if who == "owner" else host_by_link(room)
        deleting = logged_in(alice)
        path = f"/rooms/{room.code}/{action.format(pk=dana.pk)}"
        changed, deleted = at_once(
            partial(setting.post, path, {"locked": locked}),
            partial(deleting.post, f"/rooms/{room.code}/delete/"),
        )
        assert deleted.status_code == 302
        assert changed.status_code in (302, 404), f"round {round}: {changed.status_code}"
        seen.add(changed.status_code)
        assert not Room.objects.filter(pk=room.pk).exists()
        assert not JoinRequest.objects.filter(room_id=room.pk).exists()
    print(f"answers seen: {sorted(seen)}")


def test_rooms_made_at_once_stop_at_the_owners_limit(alice, settings):
    """New rooms and copies at once are counted one after another under the owner's row lock:
    a burst gets exactly up to ROOMS_PER_OWNER, never more."""
    settings.ROOMS_PER_OWNER = 4
    settings.NEW_ROOM_LIMIT = (1000, 60)
    source = Room.create(alice, name="Source")
    for round in range(ROUNDS // 5):
        new = {"name": "New", "theme": "ocean", "locked": "1"}
        posts = [partial(logged_in(alice).post, "/rooms/new/", new) for _ in range(3)]
        posts += [
            partial(logged_in(alice).post, f"/rooms/{source.code}/duplicate/", {"name": "Copy"})
            for _ in range(3)
        ]
        answers = at_once(*posts)
        assert sorted(answer.status_code for answer in answers) == [302] * 3 + [422] * 3
        assert Room.objects.filter(owner=alice).count() == 4, f"round {round}"
        Room.objects.exclude(pk=source.pk).delete()
