"""Room forms: they validate input and nothing else."""

import re
import warnings
from urllib.parse import urlsplit

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from PIL import Image, UnidentifiedImageError

from common.text import PlainText

from .models import CUSTOMIZABLE, IMAGE_FIELDS, NAME_MAX_LENGTH, THEME_CHOICES, Room


class RoomNameField(forms.CharField):
    """1-80 characters after trimming, any script; rendered as text wherever it appears."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", "Room name")
        super().__init__(
            max_length=NAME_MAX_LENGTH,
            strip=True,
            validators=[PlainText("name")],
            error_messages={
                "required": "Give the room a name.",
                "max_length": f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.",
            },
            **kwargs,
        )


CHOOSE_THEME = "Choose one of the themes."


class NewRoomForm(forms.Form):
    name = RoomNameField()
    theme = forms.ChoiceField(
        label="Theme",
        choices=THEME_CHOICES,
        initial="ocean",
        error_messages={"invalid_choice": CHOOSE_THEME},
    )
    locked = forms.TypedChoiceField(
        label="Privacy",
        choices=[("1", "Locked: guests ask to join"), ("0", "Unlocked: anyone with the link")],
        coerce=lambda value: value == "1",
        initial="1",
        error_messages={"invalid_choice": "Choose locked or unlocked."},
    )


MB = 1024 * 1024
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
IMAGE_MAX_PIXELS = 40_000_000  # Far above any real background; refuses decompression bombs.
IMAGE_LIMITS = {"background": 5 * MB, "logo": 1 * MB, "lobby_image": 5 * MB}
IMAGE_LABELS = {"background": "background", "logo": "logo", "lobby_image": "lobby image"}
LINK_ROWS = 5
LINK_LABEL_MAX_LENGTH = 40
LINK_URL_MAX_LENGTH = 500
WRONG_TYPE = "Upload a PNG, JPEG or WebP image."
BUTTON_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def checked_image(upload: UploadedFile, field: str) -> UploadedFile:
    """The upload if its content is a whole PNG, JPEG or WebP image within the size limit.

    The name and the browser's content type prove nothing, so only the bytes are read; the
    stored name takes the extension of the detected format.
    """
    limit = IMAGE_LIMITS[field]
    if upload.size > limit:
        raise forms.ValidationError(
            f"The {IMAGE_LABELS[field]} must be {limit // MB} MB or smaller."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                kind = image.format
                if kind not in IMAGE_FORMATS:
                    raise forms.ValidationError(WRONG_TYPE)
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    raise forms.ValidationError("This image has too many pixels; make it smaller.")
                image.verify()
            # verify() checks the structure; only decoding finds a truncated JPEG or WebP.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except UnidentifiedImageError as error:
        raise forms.ValidationError(WRONG_TYPE) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise forms.ValidationError("This image has too many pixels; make it smaller.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise forms.ValidationError(
            "This image is damaged or incomplete. Save it again and upload the new file."
        ) from error
    upload.seek(0)
    upload.name = f"image.{IMAGE_FORMATS[kind]}"
    return upload


class PlainTextField(forms.CharField):
    """Text as typed, with browser line endings made single, so limits count what people see."""

    def to_python(self, value: object) -> str:
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class CustomizeForm(forms.Form):
    """Everything on the Customize page; `changes()` names only what the post asks to change."""

    theme = forms.ChoiceField(
        label="Theme",
        choices=THEME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_THEME},
    )
    button_color = forms.CharField(
        label="Button colour",
        required=False,
        strip=True,
        max_length=7,
        error_messages={"max_length": "Use a colour like #1f7ae0."},
    )
    background = forms.FileField(label="Background image", required=False)
    remove_background = forms.BooleanField(label="Remove", required=False)
    logo = forms.FileField(label="Logo", required=False)
    remove_logo = forms.BooleanField(label="Remove", required=False)

    lobby_title = forms.CharField(
        label="Lobby title",
        required=False,
        max_length=80,
        validators=[PlainText("title")],
        error_messages={"max_length": "Keep the title to 80 characters or fewer."},
    )
    lobby_message = PlainTextField(
        label="Welcome message",
        required=False,
        max_length=1000,
        strip=True,
        validators=[PlainText("message", multiline=True)],
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the message to 1,000 characters or fewer."},
    )
    lobby_layout = forms.ChoiceField(
        label="Layout",
        choices=Room.Layout.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the simple or the custom layout."},
    )
    lobby_image = forms.FileField(label="Lobby image", required=False)
    remove_lobby_image = forms.BooleanField(label="Remove", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for row in range(LINK_ROWS):
            self.fields[f"link_label_{row}"] = forms.CharField(
                label=f"Link {row + 1} label",
                required=False,
                max_length=LINK_LABEL_MAX_LENGTH,
                validators=[PlainText("label")],
                error_messages={"max_length": "Keep the label to 40 characters or fewer."},
            )
            self.fields[f"link_url_{row}"] = forms.CharField(
                label=f"Link {row + 1} address",
                required=False,
                max_length=LINK_URL_MAX_LENGTH,
                error_messages={"max_length": "Keep the address to 500 characters or fewer."},
            )

    @classmethod
    def initial_for(cls, room: Room) -> dict[str, object]:
        initial = {
            name: getattr(room, name)
            for name in ("theme", "button_color", "lobby_title", "lobby_message", "lobby_layout")
        }
        for row, link in enumerate(room.lobby_links[:LINK_ROWS]):
            initial[f"link_label_{row}"] = link["label"]
            initial[f"link_url_{row}"] = link["url"]
        return initial

    @property
    def link_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"link_label_{row}"], self[f"link_url_{row}"]) for row in range(LINK_ROWS)]

    def clean_button_color(self) -> str:
        color = self.cleaned_data["button_color"]
        if color and not BUTTON_COLOR.fullmatch(color):
            raise forms.ValidationError("Use a colour like #1f7ae0, or leave it empty.")
        return color.lower()

    def clean_background(self) -> UploadedFile | None:
        return self._clean_image("background")

    def clean_logo(self) -> UploadedFile | None:
        return self._clean_image("logo")

    def clean_lobby_image(self) -> UploadedFile | None:
        return self._clean_image("lobby_image")

    def _clean_image(self, field: str) -> UploadedFile | None:
        upload = self.cleaned_data[field]
        return checked_image(upload, field) if upload else None

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        links = []
        for row in range(LINK_ROWS):
            label_field, url_field = f"link_label_{row}", f"link_url_{row}"
            if label_field not in cleaned or url_field not in cleaned:
                continue  # Already refused for its length.
            label, url = cleaned[label_field], cleaned[url_field]
            if label and not url:
                self.add_error(url_field, "Add the address this link opens.")
            elif url and not label:
                self.add_error(label_field, "Give this link a label.")
            elif url:
                try:
                    links.append({"label": label, "url": checked_link(url)})
                except forms.ValidationError as error:
                    self.add_error(url_field, error)
        cleaned["lobby_links"] = links
        return cleaned

    def changes(self) -> dict[str, object]:
        """The fields to apply: an image is replaced by an upload, cleared by Remove, else kept."""
        data = self.cleaned_data
        changes = {name: data[name] for name in CUSTOMIZABLE if name not in IMAGE_FIELDS}
        for image in IMAGE_LIMITS:
            if data[image]:
                changes[image] = data[image]
            elif data[f"remove_{image}"]:
                changes[image] = None
        return changes


def checked_link(url: str) -> str:
    """An http or https address; anything a browser would run or open elsewhere is refused."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise forms.ValidationError("Use an address that starts with http:// or https://.")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except forms.ValidationError as error:
        raise forms.ValidationError(
            "Enter a full web address, like https://example.com."
        ) from error
    return url


class RenameForm(forms.Form):
    name = RoomNameField(label="New name")

    def __init__(self, *args: object, current: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if name == self.current:
            raise forms.ValidationError("That is already the room's name.")
        return name


class PrivacyForm(forms.Form):
    """The state the owner wants, not a toggle: posting it twice changes nothing more."""

    locked = forms.TypedChoiceField(
        choices=[("1", "Locked"), ("0", "Unlocked")], coerce=lambda value: value == "1"
    )


def copy_name(name: str) -> str:
    suffix = " (copy)"
    return name[: NAME_MAX_LENGTH - len(suffix)].rstrip() + suffix


class DuplicateForm(forms.Form):
    """Which settings a copy takes; its ids are prefixed so they never clash with New room's."""

    name = RoomNameField(label="New name")
    theme_and_branding = forms.BooleanField(
        label="Theme and branding",
        required=False,
        initial=True,
        help_text="Theme, button colour, background and logo.",
    )
    lobby = forms.BooleanField(
        label="Lobby",
        required=False,
        initial=True,
        help_text="Title, welcome message, layout, image and links.",
    )
    privacy = forms.BooleanField(
        label="Privacy",
        required=False,
        initial=True,
        help_text="Locked or unlocked as this room is; otherwise the copy starts locked.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "duplicate-%s")
        super().__init__(*args, **kwargs)


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=50,
        strip=True,
        validators=[PlainText("name")],
        error_messages={
            "required": "Enter the name others will see.",
            "max_length": "Keep your name to 50 characters or fewer.",
        },
    )
