"""Real races for the race tests: threads released together, each with its own connection."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings

# Marks for a module of races: committed data seen across connections, and PostgreSQL only.
RACES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs a postgres DATABASE_URL: SQLite takes one writer at a time, so no race",
    ),
]


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Runs each action in its own thread, all released together, and returns their results.

    Each thread has and closes its own database connection; an exception in any thread fails
    the test, and so does a thread still running after a minute (a deadlock)."""
    from django.db import connection

    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except BaseException as error:  # Re-raised in the test's own thread.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck (a deadlock?)"
    if errors:
        raise errors[0]
    return results
