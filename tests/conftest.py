"""Shared fixtures: alice owns rooms, bob owns other rooms, charlie must be refused."""

from pathlib import Path

import pytest
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.cache import cache

from accounts.models import User
from rooms.models import Room

# The PostgreSQL pool is for servers: every daphne the tests start (tests/live.py) has one, as
# production does. This process runs consumers in asgiref's executor threads, which may still
# hold a pooled connection when pytest-django drops the test database; unpooled, each closes.
django_settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


@pytest.fixture(scope="session", autouse=True)
def no_server_left_on_the_test_database(django_db_setup, django_db_blocker):
    """Before pytest-django drops the test database: end the sessions the daphne processes of
    the tests left (their pools' connections), which PostgreSQL may still be closing after the
    process exited ("database is being accessed by other users" otherwise)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


PASSWORD = "correct-horse-battery-staple"
# How long a test waits for something that must happen: long enough for a machine loaded by
# other suites, since every wait ends as soon as its condition holds; only a failure waits it out.
PATIENCE = 30
# What production hashes passwords with, for the tests that test hashing.
REAL_PASSWORD_HASHERS = list(django_settings.PASSWORD_HASHERS)


class FastPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with one iteration: the format production's hasher reads (a live daphne in
    another process still logs alice in), without the cost that makes it slow on purpose."""

    iterations = 1


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests that do not test hashing skip its cost (a log-in took 0.8 s): see test_signup's
    test of the real hasher."""
    settings.PASSWORD_HASHERS = ["tests.conftest.FastPasswordHasher"]


def password_hash() -> str:
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


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel layer: channels-redis keeps per-channel locks that a
    message cleaner releases a moment after a receive, and a test whose event loop ends within
    that moment would hand the next test (on a new loop) a lock bound to the old one."""
    yield
    channel_layers.backends.clear()
