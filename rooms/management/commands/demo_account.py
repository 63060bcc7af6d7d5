"""Creates (or refreshes) the demo account that `make run` prints, with a few sample rooms the
first time, so the dashboard shows what rooms look like."""

import secrets

from django.core.management.base import BaseCommand

from accounts.models import User
from rooms.models import Room

DEMO_EMAIL = "demo@example.com"
# Name, theme, locked: one of each privacy, in different themes.
SAMPLE_ROOMS = [
    ("Weekly standup", "ocean", True),
    ("Office hours", "forest", False),
    ("Client call", "sunset", True),
]


class Command(BaseCommand):
    help = "Ensure the demo account exists with a fresh password, and print how to log in."

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(email=DEMO_EMAIL).first()
        created = user is None
        if created:
            user = User(email=DEMO_EMAIL, display_name="Demo Owner")
        # A new password each start: the embedded demo never keeps a known default.
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        if created:
            for name, theme, locked in SAMPLE_ROOMS:
                Room.create(user, name, theme=theme, locked=locked)
        verb = "Created" if created else "Refreshed"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo account"))
        self.stdout.write(f"  Email:    {DEMO_EMAIL}")
        self.stdout.write(f"  Password: {password}")
