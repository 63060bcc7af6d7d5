"""The session engine (SESSION_ENGINE): Django's database sessions, which say when a session
gets a new key, so that rows naming a session by its key (a room's open sockets) follow it.

Django gives a session a new key on log-in, and rooms.access on every grant of host rights or
admission: a session id planted in a browser before a grant is worth nothing after it."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.dispatch import Signal

# Sent with old= and new= session keys, after the new one is stored and the old one deleted.
key_changed = Signal()


class SessionStore(DatabaseSessionStore):
    def cycle_key(self) -> None:
        old = self.session_key
        super().cycle_key()
        if old and old != self.session_key:
            key_changed.send(sender=type(self), old=old, new=self.session_key)
