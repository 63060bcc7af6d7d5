"""A flood from one client, all at once, by real threads on PostgreSQL (and Redis for the limits
when REDIS_URL is set): one IPv6 /64 asking many times fills no waiting room, opens no more
sockets than its caps, and a real guest from another address still gets in."""

from django.test import Client

from rooms.models import Activity, Actor, JoinRequest, Room, RoomSocket
from tests.security.threads import RACES, at_once

pytestmark = RACES
FLOOD = 40


def asker(room: Room, address: str, name: str):
    def post() -> int:
        guest = Client(REMOTE_ADDR=address)
        return guest.post(f"{room.participant_path}join/", {"display_name": name}).status_code

    return post


def test_a_flood_from_one_64_leaves_room_for_a_real_guest(alice, alices_room, settings):
    settings.ASK_LIMIT = (10_000, 60)  # Past the rate limit: what holds is the waiting room's.
    settings.WAITING_ROOM_CAP = 30
    settings.WAITING_PER_CLIENT = 5
    codes = at_once(
        *[asker(alices_room, f"2001:db8:7:7:{n:x}::1", f"Bot {n}") for n in range(FLOOD)]
    )
    assert sorted(codes) == [302] * 5 + [429] * (FLOOD - 5)
    assert alices_room.waiting().count() == 5

    dana = Client(REMOTE_ADDR="198.51.100.20")
    assert dana.post(f"{alices_room.participant_path}join/", {"display_name": "Dana"}).url == (
        alices_room.participant_path
    )
    assert alices_room.deny_all(by=Actor.account(alice)) == 6  # The bots, and Dana with them;
    assert dana.post(f"{alices_room.participant_path}join/", {"display_name": "Dana"}).status_code
    JoinRequest.objects.filter(display_name="Dana").update(asked_at="2000-01-01T00:00:00Z")
    dana.post(f"{alices_room.participant_path}join/", {"display_name": "Dana"})  # she asks again,
    request = JoinRequest.objects.get(display_name="Dana", status="pending")
    assert request.allow(by=Actor.account(alice))  # and is let in.
    assert dana.get(f"{alices_room.participant_path}room/").status_code == 200
    assert Activity.objects.filter(kind=Activity.Kind.DENIED_ALL).count() == 1


def test_the_cap_per_client_holds_when_asks_race(alices_room, settings):
    settings.ASK_LIMIT = (10_000, 60)
    settings.WAITING_PER_CLIENT = 3
    for round_ in range(5):
        address = f"2001:db8:{round_ + 1:x}::1"
        codes = at_once(*[asker(alices_room, address, f"Bot {round_}-{n}") for n in range(8)])
        assert codes.count(302) == 3, codes
    assert alices_room.waiting().count() == 15


def test_sockets_opening_at_once_get_no_more_than_the_cap(alices_room, settings):
    settings.ROOM_SOCKETS_PER_SESSION = 3
    for round_ in range(5):

        def claim(n: int, r: int = round_):
            return lambda: RoomSocket.claim(alices_room, f"c{r}-{n}", f"s{r}", "198.51.100.7")

        kept = at_once(*[claim(n) for n in range(8)])
        assert kept.count(True) == 3, kept  # Their turns: exactly the cap, never more or none.
        assert RoomSocket.objects.filter(session_key=f"s{round_}").count() == 3
