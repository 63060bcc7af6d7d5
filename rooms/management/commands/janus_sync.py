"""Makes every Janus instance forget expired and revoked credentials and retired rooms."""

from django.core.management.base import BaseCommand, CommandError

from rooms import janus


class Command(BaseCommand):
    help = (
        "Remove from Janus what the database no longer grants (expired or revoked tokens, "
        "rooms deleted or moved). Run it every minute from a timer when JANUS_URL is set."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not janus.enabled():
            self.stdout.write("JANUS_URL is not set: nothing to do.")
            return
        results = janus.sync_all()
        for server, done in results.items():
            self.stdout.write(f"{server}: {'clean' if done else 'out of reach, will retry'}")
        if not all(results.values()):
            raise CommandError("Some Janus instances did not answer.")
