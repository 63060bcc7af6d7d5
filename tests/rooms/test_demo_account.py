"""`make run`'s demo account: a fresh password each start, sample rooms the first time only."""

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from rooms.models import Room


def demo(db) -> str:
    out = StringIO()
    call_command("demo_account", stdout=out)
    return out.getvalue()


def test_the_demo_account_starts_with_sample_rooms_and_a_fresh_password(db):
    first = demo(db)
    user = User.objects.get(email="demo@example.com")
    assert "Email:    demo@example.com" in first
    password = first.split("Password: ")[1].split()[0]
    assert user.check_password(password)
    assert sorted(Room.objects.filter(owner=user).values_list("name", "locked")) == [
        ("Client call", True),
        ("Office hours", False),
        ("Weekly standup", True),
    ]

    again = demo(db)
    assert "Refreshed demo account" in again
    user.refresh_from_db()
    assert not user.check_password(password)  # A new one each start.
    assert user.check_password(again.split("Password: ")[1].split()[0])
    assert Room.objects.filter(owner=user).count() == 3  # Kept, not added again.
