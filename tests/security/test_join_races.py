"""Join requests decided, asked and let in at the same moment, by real threads on PostgreSQL.

Each thread has its own database connection, as two requests served at once would; a barrier
lines them up so they start together, and every race runs ROUNDS times. Whatever the order,
each guest ends with one outcome, one stored request and one line in the activity log.
"""

from rooms.models import Activity, Actor, JoinRequest, Room
from tests.security.threads import RACES, at_once

pytestmark = RACES
ROUNDS = 20
DECISIONS = (Activity.Kind.ALLOWED, Activity.Kind.DENIED)


def locked_room(owner, round_: int) -> Room:
    return Room.create(owner, name=f"Race {round_}", locked=True)


def decisions_for(join_request: JoinRequest) -> list[str]:
    return list(
        Activity.objects.filter(
            room=join_request.room, kind__in=DECISIONS, detail=join_request.display_name
        ).values_list("kind", flat=True)
    )


def test_two_hosts_allowing_and_denying_one_guest_give_one_outcome(alice):
    outcomes = set()
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        guest = JoinRequest.ask(room, f"guest-{round_}", "Dana")
        # Two copies, as two hosts' requests would each load the row.
        by_owner, by_host = (JoinRequest.objects.get(pk=guest.pk) for _ in range(2))
        allowed, denied = at_once(
            lambda r=by_owner: r.allow(by=Actor.account(alice)),
            lambda r=by_host: r.deny(by=Actor(None, "Hana")),
        )
        assert [allowed, denied].count(True) == 1
        guest.refresh_from_db()
        assert guest.status == ("allowed" if allowed else "denied")
        assert decisions_for(guest) == [guest.status]
        outcomes.add(guest.status)
    print(f"outcomes seen: {sorted(outcomes)}")


def test_allow_all_racing_a_deny_gives_each_guest_one_outcome(alice):
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        dana, erin, finn = (
            JoinRequest.ask(room, f"guest-{round_}-{name}", name)
            for name in ("Dana", "Erin", "Finn")
        )
        allowed, denied = at_once(
            lambda r=room: r.allow_all(by=Actor.account(alice)),
            lambda r=erin: r.deny(by=Actor(None, "Hana")),
        )
        for guest in (dana, erin, finn):
            guest.refresh_from_db()
        assert allowed == (2 if denied else 3)
        assert erin.status == ("denied" if denied else "allowed")
        assert dana.status == finn.status == "allowed"
        for guest in (dana, erin, finn):
            assert decisions_for(guest) == [guest.status]


def test_asking_twice_at_once_stores_one_request(alice):
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        first, second = at_once(
            lambda r=room: JoinRequest.ask(r, "same-browser", "Dana"),
            lambda r=room: JoinRequest.ask(r, "same-browser", "Dana"),
        )
        assert first.pk == second.pk
        assert list(room.join_requests.values_list("status", flat=True)) == ["pending"]


def test_a_denied_guest_asking_again_twice_at_once_stores_one_request(alice):
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        request = JoinRequest.ask(room, "same-browser", "Dana")
        request.deny(by=Actor.account(alice))
        JoinRequest.objects.filter(pk=request.pk).update(
            asked_at=request.asked_at.replace(year=2000)
        )
        at_once(
            lambda r=room: JoinRequest.ask(r, "same-browser", "Dana"),
            lambda r=room: JoinRequest.ask(r, "same-browser", "Dana"),
        )
        assert list(room.join_requests.values_list("status", flat=True)) == ["pending"]


def test_unlocking_while_a_guest_asks_lets_the_guest_in_either_way(alice):
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        # The guest's page loaded the room while it was still locked, as the join view does.
        seen_by_guest = Room.objects.get(pk=room.pk)
        at_once(
            lambda r=room: r.set_locked(False, by=Actor.account(alice)),
            lambda r=seen_by_guest, g=f"guest-{round_}": JoinRequest.ask(r, g, "Dana"),
        )
        room.refresh_from_db()
        assert not room.locked
        assert list(room.join_requests.values_list("status", flat=True)) == ["allowed"]
        assert not room.waiting().exists()


def test_unlocking_while_a_host_denies_gives_one_outcome(alice):
    for round_ in range(ROUNDS):
        room = locked_room(alice, round_)
        guest = JoinRequest.ask(room, f"guest-{round_}", "Dana")
        host_copy = JoinRequest.objects.get(pk=guest.pk)
        _, denied = at_once(
            lambda r=room: r.set_locked(False, by=Actor.account(alice)),
            lambda r=host_copy: r.deny(by=Actor(None, "Hana")),
        )
        guest.refresh_from_db()
        assert guest.status == ("denied" if denied else "allowed")
        assert decisions_for(guest) == [guest.status]
