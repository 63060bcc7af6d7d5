"""Uploaded images: refused from their header before decoding, decoded a few at a time, and
stored re-encoded at the size the pages show them, without the metadata they came with."""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from rooms.models import Room
from tests.helpers import link_rows, stored_files, upload

ROOT = Path(__file__).resolve().parents[2]
GPS = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F

pytestmark = pytest.mark.usefixtures("media")


def flat_png(width: int, height: int) -> bytes:
    """A real PNG of one colour, compressed row by row: a few hundred KB that decode to
    width x height x 4 bytes, without this process ever holding the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = zlib.compressobj(6)
    row = b"\0" + b"\x20\x40\x80" * width
    data = b"".join(rows.compress(row) for _ in range(height)) + rows.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# Run in a fresh process, so its peak memory is the validations' alone: `outcomes(field)` checks
# every file given (one thread each) with the form's own checked_image.
PRELUDE = """
import json, os, resource, sys, threading
import django
django.setup()
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from rooms.forms import checked_image

contents = [open(path, "rb").read() for path in sys.argv[1:]]

def check(content, field, results, index):
    try:
        checked_image(SimpleUploadedFile("image.png", content), field)
        results[index] = "accepted"
    except forms.ValidationError as error:
        results[index] = error.messages[0]

def outcomes(field):
    results = [None] * len(contents)
    threads = [
        threading.Thread(target=check, args=(content, field, results, index))
        for index, content in enumerate(contents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
REPORT = """
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcomes": results, "grown_mb": grown / 1024}))
"""


def in_fresh_process(tmp_path: Path, body: str, *files: bytes) -> dict:
    """What the validations in `body` decided, and how far they raised the peak memory (MB)."""
    paths = []
    for number, content in enumerate(files):
        paths.append(tmp_path / f"upload-{number}.png")
        paths[-1].write_bytes(content)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "session_rooms.settings"}
    finished = subprocess.run(
        [sys.executable, "-c", PRELUDE + body + REPORT, *map(str, paths)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout.splitlines()[-1])
    print(report)
    return report


def test_a_png_bomb_is_refused_from_its_header_without_being_decoded(tmp_path):
    bomb = flat_png(6300, 6300)  # about 120 KB; fully decoded, 160 MB
    assert len(bomb) < 400_000
    report = in_fresh_process(tmp_path, "results = outcomes('background')", bomb)
    (message,) = report["outcomes"]
    assert message.startswith("This image is 6,300 \u00d7 6,300 pixels; use one of at most 24")
    assert report["grown_mb"] < 40


def test_large_images_uploaded_at_once_are_decoded_a_few_at_a_time(tmp_path):
    # 8 posts at once, each a 23-megapixel PNG (92 MB decoded): IMAGE_DECODES_AT_ONCE (2)
    # decode at a time, the others wait for a turn.
    large = flat_png(4800, 4800)
    report = in_fresh_process(tmp_path, "results = outcomes('background')", *[large] * 8)
    assert report["outcomes"] == ["accepted"] * 8
    assert report["grown_mb"] < 300  # two at a time: 245 MB; each one more adds 120


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size(tmp_path):
    # 24 megapixels, 72 MB decoded in full; for the logo's 600 x 300 box an eighth of each side
    # (750 x 500) still fills it, and that is all the decoder makes. Made in a process of its
    # own: a child inherits its parent's peak memory, which would hide the decoder's.
    path = tmp_path / "large.jpg"
    make = f"from PIL import Image; Image.new('RGB', (6000, 4000), 'teal').save({str(path)!r})"
    subprocess.run([sys.executable, "-c", make], check=True, timeout=60)
    report = in_fresh_process(tmp_path, "results = outcomes('logo')", path.read_bytes())
    assert report["outcomes"] == ["accepted"]
    assert report["grown_mb"] < 30


def photo(size: tuple[int, int] = (300, 200), orientation: int = 6) -> bytes:
    """A JPEG as a phone takes one: stored sideways with the Orientation to show it upright,
    its maker and model, and where it was taken. Its left half red, its right half blue."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Spyphone"
    exif[GPS] = {1: "N", 2: (52.0, 22.0, 12.5), 3: "E", 4: (4.0, 53.0, 30.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def customize(client, room: Room, **files: object):
    data = {"theme": "ocean", "button_color": "", "lobby_layout": "simple", **link_rows()}
    return client.post(f"/rooms/{room.code}/customize/", {**data, **files})


def stored(media: Path, file) -> Image.Image:
    return Image.open(media / file.name)


def assert_upright_without_exif(image: Image.Image) -> None:
    assert image.size == (200, 300)  # turned a quarter, as the Orientation said
    assert not image.getexif()
    assert "exif" not in image.info
    red, blue = image.convert("RGB").getpixel((100, 20)), image.convert("RGB").getpixel((100, 280))
    assert red[0] > 200 and red[2] < 60, red  # the left half is now the top
    assert blue[2] > 200 and blue[0] < 60, blue


def test_a_photo_is_stored_upright_without_its_exif(client, alice, alices_room, media):
    original = photo()
    assert b"Spyphone" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)
    client.force_login(alice)
    response = customize(client, alices_room, lobby_image=upload("me.jpg", original, "image/jpeg"))
    assert response.status_code == 302
    alices_room.refresh_from_db()
    assert alices_room.lobby_image.name.endswith(".jpg")
    assert b"Spyphone" not in (media / alices_room.lobby_image.name).read_bytes()
    assert_upright_without_exif(stored(media, alices_room.lobby_image))


def test_a_large_upload_is_stored_at_the_size_its_page_shows(client, alice, alices_room, media):
    def encoded(kind: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
        buffer = io.BytesIO()
        Image.new(mode, size, (31, 122, 224, 128)[: len(mode)]).save(buffer, kind)
        return buffer.getvalue()

    client.force_login(alice)
    response = customize(
        client,
        alices_room,
        background=upload("bg.jpg", encoded("JPEG", (4000, 3000)), "image/jpeg"),
        logo=upload("logo.png", encoded("PNG", (1200, 1200), "RGBA")),
        lobby_image=upload("small.webp", encoded("WEBP", (800, 600)), "image/webp"),
    )
    assert response.status_code == 302
    alices_room.refresh_from_db()
    background = stored(media, alices_room.background)
    assert (background.format, background.size) == ("JPEG", (2133, 1600))
    logo = stored(media, alices_room.logo)  # a PNG stays a PNG, its transparency kept
    assert (logo.format, logo.size, logo.mode) == ("PNG", (300, 300), "RGBA")
    assert logo.getpixel((150, 150))[3] == 128
    lobby = stored(media, alices_room.lobby_image)  # smaller than its box: never enlarged
    assert (lobby.format, lobby.size) == ("WEBP", (800, 600))


def test_an_image_with_a_side_too_long_is_refused_with_its_size(client, alice, alices_room):
    client.force_login(alice)
    banner = flat_png(12_000, 100)
    response = customize(client, alices_room, background=upload("banner.png", banner))
    assert response.status_code == 422
    assert "This image is 12,000 \u00d7 100 pixels" in response.content.decode()
    assert "each side at most 10,000 pixels." in response.content.decode()


def test_images_stored_before_are_reencoded_by_the_command(
    alice, alices_room, media, django_capture_on_commit_callbacks
):
    alices_room.lobby_image.save("me.jpg", ContentFile(photo()), save=False)
    alices_room.logo.save("logo.png", ContentFile(flat_png(1200, 900)), save=False)
    alices_room.save()
    before = stored_files(media)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencode_images", stdout=out)
    alices_room.refresh_from_db()
    assert stored_files(media) == {alices_room.lobby_image.name, alices_room.logo.name}
    assert not stored_files(media) & before
    assert_upright_without_exif(stored(media, alices_room.lobby_image))
    assert stored(media, alices_room.logo).size == (400, 300)
    assert "Re-encoded 2 images in 1 room." in out.getvalue()
