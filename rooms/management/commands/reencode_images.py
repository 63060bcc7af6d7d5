"""Stores every room's images again as uploads are stored now: fitted, without EXIF."""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.template.defaultfilters import pluralize

from rooms.models import IMAGE_FIELDS, Room


class Command(BaseCommand):
    help = (
        "Re-encode the images of every room (rooms.images): fitted to the size the pages show, "
        "upright, without EXIF (a photo's GPS position and device). Run it once after upgrading "
        "past the release that began re-encoding uploads; running it again does no harm."
    )

    def handle(self, *args: object, **options: object) -> None:
        with_images = Q()
        for field in IMAGE_FIELDS:
            with_images |= ~Q(**{field: ""})
        images = rooms = 0
        for room in Room.objects.filter(with_images).order_by("pk").iterator():
            try:
                left = room.reencode_images()
            except Room.DoesNotExist:
                continue  # Deleted meanwhile, with its files.
            done = sum(1 for field in IMAGE_FIELDS if getattr(room, field)) - len(left)
            images, rooms = images + done, rooms + (done > 0)
            for field, reason in left.items():
                label = field.replace("_", " ")
                self.stderr.write(f"Room {room.code}: {label} left as it was: {reason}")
        self.stdout.write(
            f"Re-encoded {images} image{pluralize(images)} in {rooms} room{pluralize(rooms)}."
        )
