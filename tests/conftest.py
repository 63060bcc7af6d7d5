"""Shared fixtures: alice owns rooms, bob owns other rooms, charlie must be refused."""

import pytest
from django.core.cache import cache

from accounts.models import User
from rooms.models import Room

PASSWORD = "correct-horse-battery-staple"


def make_user(name: str) -> User:
    return User.objects.create_user(
        email=f"{name.lower()}@example.com", password=PASSWORD, display_name=name
    )


@pytest.fixture
def alice(db) -> User:
    return make_user("Alice")


@pytest.fixture
def bob(db) -> User:
    return make_user("Bob")


@pytest.fixture
def charlie(db) -> User:
    return make_user("Charlie")


@pytest.fixture
def alices_room(alice) -> Room:
    return Room.create(alice, name="Standup", theme="ocean", locked=True)


@pytest.fixture
def bobs_room(bob) -> Room:
    return Room.create(bob, name="Bob's office hours", theme="forest", locked=False)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Abuse-limit counters live in the cache; each test starts with none spent."""
    cache.clear()
