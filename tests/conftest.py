"""Shared fixtures: alice owns rooms, bob owns other rooms, charlie must be refused."""

import functools
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache

from accounts.models import User
from rooms.models import Room

PASSWORD = "correct-horse-battery-staple"


@functools.cache
def password_hash() -> str:
    # Hashing is slow on purpose; the suite hashes the shared password once.
    return make_password(PASSWORD)


def make_user(name: str) -> User:
    return User.objects.create(
        email=f"{name.lower()}@example.com", password=password_hash(), display_name=name
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


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Uploads go to this test's own folder; request it before a live server starts, which
    takes MEDIA_ROOT from the settings."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
