"""Uploaded images made safe to keep and serve: refused from their header before any pixel is
decoded, decoded a few at a time (and JPEG at a reduced scale), and stored re-encoded at the size
the pages show them, with none of the metadata they came with (EXIF: GPS position, device)."""

import functools
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# A 24-megapixel photo (6000 x 4000) passes; past it, a PNG of one colour is a few hundred KB
# that would decode to over 96 MB (Pillow holds 4 bytes a pixel).
MAX_PIXELS = 24_000_000
MAX_SIDE = 10_000
# Where each image is shown (templates/rooms/, static/css/): a background fills the page behind
# the lobby and the room; a logo is at most 220 x 64 CSS pixels; the lobby image spans the lobby
# card. Boxes at twice those for sharp screens; an image is made to fit, never enlarged.
BOXES = {"background": (2560, 1600), "logo": (600, 300), "lobby_image": (1600, 1200)}
JPEG_QUALITY = 85
# Modes each format is saved in as they are; any other is converted (with its alpha if any).
MODES = {
    "PNG": {"L", "LA", "RGB", "RGBA"},
    "JPEG": {"L", "RGB", "CMYK"},
    "WEBP": {"RGB", "RGBA"},
}
# Orientations that swap width and height (EXIF 5 to 8: turned a quarter).
TURNED = {5, 6, 7, 8}

WRONG_TYPE = "Upload a PNG, JPEG or WebP image."
DAMAGED = "This image is damaged or incomplete. Save it again and upload the new file."
TIMES = "\u00d7"  # the multiplication sign
TOO_LARGE = (
    f"use one of at most {MAX_PIXELS // 1_000_000} megapixels (such as 6000 {TIMES} 4000), "
    f"each side at most {MAX_SIDE:,} pixels."
)
BUSY = "The server is busy with other images. Try again in a moment."


class ImageRefused(Exception):
    """An upload that is not kept; its message says why, in words for the person uploading."""


@functools.cache
def decode_slots(count: int) -> threading.BoundedSemaphore:
    # One per process and value: every request's thread takes its turn from the same slots.
    return threading.BoundedSemaphore(count)


@contextmanager
def decode_slot() -> Iterator[None]:
    """One of IMAGE_DECODES_AT_ONCE turns to hold decoded pixels: each is up to 96 MB, and 16
    posts decoding at once took a server from 113 MB to 2.2 GB."""
    slots = decode_slots(settings.IMAGE_DECODES_AT_ONCE)
    if not slots.acquire(timeout=settings.IMAGE_DECODE_WAIT):
        raise ImageRefused(BUSY)
    try:
        yield
    finally:
        slots.release()


def check_dimensions(width: int, height: int) -> None:
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageRefused(f"This image is {width:,} {TIMES} {height:,} pixels; {TOO_LARGE}")


def fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down to fit in `box`, keeping its proportions; never scaled up."""
    scale = min(1, box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def reencoded(file: IO[bytes], field: str, *, check_size: bool = True) -> ContentFile:
    """The image in `file` fitted to `field`'s box, in its own format, without its metadata.

    Only the header is read before the dimensions are checked; the pixels are decoded in one of
    the process's decode slots, a JPEG at the smallest scale its box allows. The EXIF
    orientation is applied to the pixels before the EXIF goes. Raises ImageRefused.
    `check_size=False` re-encodes an image stored before the bound (manage.py reencode_images).
    """
    box = BOXES[field]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file, formats=list(FORMATS)) as image:
                kind = image.format
                if check_size:
                    check_dimensions(*image.size)
                with decode_slot():
                    pixels = decoded(image, box)
                    return ContentFile(encoded(pixels, kind), name=f"image.{FORMATS[kind]}")
    except UnidentifiedImageError as error:
        raise ImageRefused(WRONG_TYPE) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(f"This image has too many pixels; {TOO_LARGE}") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRefused(DAMAGED) from error


def decoded(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The pixels upright and fitted to `box`; a truncated file raises OSError here."""
    orientation = image.getexif().get(0x0112)
    upright = box[::-1] if orientation in TURNED else box
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size when that still fills the box.
    image.draft(None, fitted(image.size, upright))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # A copy would double what is held.
    if image.mode not in {"L", "LA", "RGB", "RGBA", "CMYK"}:  # Palettes, 16 bits, 1 bit.
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail(box, Image.Resampling.LANCZOS)
    return image


def encoded(image: Image.Image, kind: str) -> bytes:
    """The pixels in `kind`, with the colour profile (how to show them) and nothing else."""
    icc_profile = image.info.get("icc_profile")
    if image.mode not in MODES[kind]:
        alpha = image.has_transparency_data and kind != "JPEG"
        image = image.convert("RGBA" if alpha else "RGB")
    image.info = {}  # Text chunks, EXIF, XMP: none of it is written back.
    options: dict[str, object] = {"exif": b""}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if kind == "JPEG":
        options |= {"quality": JPEG_QUALITY, "optimize": True}
    elif kind == "WEBP":
        options |= {"quality": JPEG_QUALITY}
    else:
        options |= {"optimize": True}
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()
