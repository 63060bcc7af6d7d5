"""Tiny real images for upload tests, and a room that has one in each image field."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from rooms.models import Room


def png(colour: str = "red") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="image.png")


def give_images(room: Room) -> Room:
    room.background.save("background.png", png("red"), save=False)
    room.logo.save("logo.png", png("green"), save=False)
    room.lobby_image.save("lobby.png", png("blue"), save=False)
    room.save()
    return room
