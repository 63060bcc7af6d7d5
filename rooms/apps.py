from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"

    def ready(self) -> None:
        from . import janus  # noqa: F401  Its receivers end Janus rooms with ours.
