"""Abuse limits hold under bursts: counting and checking are one atomic step, so requests
released together get exactly the limit's tries (17 log-ins at once once got through a limit of
10). Real threads, on the real shared cache (Redis when REDIS_URL is set)."""

from itertools import count

import pytest
from django.test import Client, RequestFactory

from common import limits
from rooms.models import JoinRequest
from tests.security.threads import RACES, at_once

LIMIT, BURST = 10, 17
addresses = (f"198.51.100.{n}" for n in count(1))  # fresh counters in a shared Redis too


def races(test):
    """Committed data seen across connections, and PostgreSQL only (tests.security.threads)."""
    for mark in RACES:
        test = mark(test)
    return test


@pytest.mark.parametrize("round", range(5))
def test_tries_taken_at_once_stop_at_the_limit(round):
    """The cache alone: each thread takes one try at once, for one client."""
    request = RequestFactory().post("/", REMOTE_ADDR=next(addresses))

    def take() -> str:
        try:
            limits.take(request, "burst", LIMIT, 60, "Too many tries.")
        except limits.RateLimited:
            return "refused"
        return "taken"

    assert sorted(at_once(*[take] * BURST)) == ["refused"] * (BURST - LIMIT) + ["taken"] * LIMIT


@races
@pytest.mark.parametrize("round", range(3))
def test_a_burst_of_wrong_logins_gets_only_the_limit(alice, settings, round):
    settings.LOGIN_LIMIT = (LIMIT, 300)
    address = next(addresses)

    def fail() -> int:
        wrong = {"username": "alice@example.com", "password": "wrong"}
        return Client(REMOTE_ADDR=address).post("/accounts/login/", wrong).status_code

    assert sorted(at_once(*[fail] * BURST)) == [422] * LIMIT + [429] * (BURST - LIMIT)


@races
@pytest.mark.parametrize("round", range(3))
def test_a_burst_of_asks_gets_only_the_limit(alices_room, settings, round):
    settings.ASK_LIMIT = (LIMIT, 60)
    settings.WAITING_PER_CLIENT = BURST  # The rate limit is what this burst meets.
    address = next(addresses)

    def ask(n: int):
        def post() -> int:
            guest = Client(REMOTE_ADDR=address)
            lobby = alices_room.participant_path
            return guest.post(f"{lobby}join/", {"display_name": f"Guest {n}"}).status_code

        return post

    codes = at_once(*[ask(n) for n in range(BURST)])
    assert sorted(codes) == [302] * LIMIT + [429] * (BURST - LIMIT)
    assert JoinRequest.objects.filter(room=alices_room).count() == LIMIT
