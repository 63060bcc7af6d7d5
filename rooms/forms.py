"""Room forms: they validate input and nothing else.

Forms for a room's own fields are ModelForms, so lengths and choices come from rooms.models;
they are bound without an instance (the view calls the room's domain method with the cleaned
data), so validating never changes the room object a view holds."""

import re
from urllib.parse import urlsplit

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.forms.models import model_to_dict

from common.text import PlainText

from . import images
from .models import CUSTOMIZABLE, IMAGE_FIELDS, LOBBY_LINKS_MAX, JoinRequest, Room


def too_long(what: str, limit: int) -> str:
    return f"Keep {what} to {limit:,} characters or fewer."


def model_limit(model: type, field: str) -> int:
    return model._meta.get_field(field).max_length


class RoomNameField(forms.CharField):
    """1-80 characters after trimming, any script; rendered as text wherever it appears."""

    default_error_messages = {"required": "Give the room a name."}

    def __init__(self, **kwargs: object) -> None:
        super().__init__(strip=True, validators=[PlainText("name")], **kwargs)
        self.error_messages.setdefault("max_length", too_long("the name", self.max_length))


CHOOSE_THEME = "Choose one of the themes."


class NewRoomForm(forms.ModelForm):
    locked = forms.TypedChoiceField(
        label="Privacy",
        choices=[("1", "Locked: guests ask to join"), ("0", "Unlocked: anyone with the link")],
        coerce=lambda value: value == "1",
        initial="1",
        error_messages={"invalid_choice": "Choose locked or unlocked."},
    )

    class Meta:
        model = Room
        fields = ("name", "theme", "locked")
        field_classes = {"name": RoomNameField}
        labels = {"name": "Room name"}
        widgets = {"name": forms.TextInput(attrs={"placeholder": "e.g. Weekly standup"})}
        error_messages = {"theme": {"invalid_choice": CHOOSE_THEME}}


MB = 1024 * 1024
IMAGE_LIMITS = {"background": 5 * MB, "logo": 1 * MB, "lobby_image": 5 * MB}
IMAGE_LABELS = {"background": "background", "logo": "logo", "lobby_image": "lobby image"}
IMAGE_TYPES = "image/png,image/jpeg,image/webp"
BUTTON_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def checked_image(upload: UploadedFile, field: str) -> ContentFile:
    """The upload re-encoded for `field` (rooms.images) if its content is a whole PNG, JPEG or
    WebP image within the size limits, named with the extension of its format.

    The name and the browser's content type prove nothing, so only the bytes are read.
    """
    limit = IMAGE_LIMITS[field]
    if upload.size > limit:
        raise forms.ValidationError(
            f"The {IMAGE_LABELS[field]} must be {limit // MB} MB or smaller."
        )
    try:
        return images.reencoded(upload, field)
    except images.ImageRefused as error:
        raise forms.ValidationError(str(error)) from error


class PlainTextField(forms.CharField):
    """Text as typed, with browser line endings made single, so limits count what people see."""

    def to_python(self, value: object) -> str:
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def image_field(label: str, hint: str) -> forms.FileField:
    # A plain FileField: checked_image reads the content, whatever the name or type say.
    widget = forms.FileInput(attrs={"accept": IMAGE_TYPES})  # Remove is its own checkbox.
    return forms.FileField(label=label, required=False, help_text=hint, widget=widget)


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


LINK_LABEL_MAX_LENGTH = 40
LINK_URL_MAX_LENGTH = 500


class LinkForm(forms.Form):
    """One of the lobby's links: a label and the http or https address it opens, or nothing."""

    label = forms.CharField(
        required=False,
        max_length=LINK_LABEL_MAX_LENGTH,
        validators=[PlainText("label")],
        widget=forms.TextInput(attrs={"placeholder": "Label", "data-link": "label"}),
        error_messages={"max_length": too_long("the label", LINK_LABEL_MAX_LENGTH)},
    )
    url = forms.CharField(
        required=False,
        max_length=LINK_URL_MAX_LENGTH,
        widget=forms.URLInput(
            attrs={"placeholder": "https://", "inputmode": "url", "data-link": "url"}
        ),
        error_messages={"max_length": too_long("the address", LINK_URL_MAX_LENGTH)},
    )

    def __init__(self, *args: object, number: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["label"].label = f"Link {number} label"
        self.fields["url"].label = f"Link {number} address"

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if "label" not in cleaned or "url" not in cleaned:
            return cleaned  # Already refused for its length.
        label, url = cleaned["label"], cleaned["url"]
        if label and not url:
            self.add_error("url", "Add the address this link opens.")
        elif url and not label:
            self.add_error("label", "Give this link a label.")
        elif url:
            try:
                cleaned["url"] = checked_link(url)
            except forms.ValidationError as error:
                self.add_error("url", error)
        return cleaned


class BaseLinkFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": "A lobby has at most %(num)d links."}

    def get_form_kwargs(self, index: int | None) -> dict[str, object]:
        return {"number": None if index is None else index + 1}

    @property
    def links(self) -> list[dict[str, str]]:
        """The rows that hold a link, in order; empty rows are dropped."""
        rows = (form.cleaned_data for form in self.forms)
        return [{"label": row["label"], "url": row["url"]} for row in rows if row.get("url")]


# Always LOBBY_LINKS_MAX rows on the page; a post of more is refused, not cut short.
LinkFormSet = forms.formset_factory(
    LinkForm,
    formset=BaseLinkFormSet,
    extra=LOBBY_LINKS_MAX,
    max_num=LOBBY_LINKS_MAX,
    absolute_max=LOBBY_LINKS_MAX,
    validate_max=True,
)


class DescribedRadioSelect(forms.RadioSelect):
    """Radios each described by a line of help under `<option id>_help` in the template."""

    def create_option(self, *args: object, **kwargs: object) -> dict[str, object]:
        option = super().create_option(*args, **kwargs)
        if option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_help"
        return option


class CustomizeForm(forms.ModelForm):
    """Everything on the Customize page, the link rows as a formset (`links`); `changes()` names
    only what the post asks to change."""

    background = image_field(
        "Background image", "PNG, JPEG or WebP, up to 5 MB. Fills the page behind the lobby."
    )
    remove_background = forms.BooleanField(label="Remove", required=False)
    logo = image_field("Logo", "PNG, JPEG or WebP, up to 1 MB. Shown at the top of the lobby.")
    remove_logo = forms.BooleanField(label="Remove", required=False)
    lobby_image = image_field(
        "Lobby image", "PNG, JPEG or WebP, up to 5 MB. Shown under the message."
    )
    remove_lobby_image = forms.BooleanField(label="Remove", required=False)

    class Meta:
        model = Room
        fields = ("theme", "button_color", "lobby_title", "lobby_message", "lobby_layout")
        field_classes = {"lobby_message": PlainTextField}
        labels = {
            "button_color": "Button colour",
            "lobby_message": "Welcome message",
            "lobby_layout": "Layout",
        }
        help_texts = {
            "button_color": (
                "A hex colour such as #1f7ae0. Leave it empty to use the theme's colour."
            ),
            "lobby_title": "Leave it empty to show the room's name.",
            "lobby_message": "Plain text; line breaks are kept.",
        }
        widgets = {
            "theme": forms.RadioSelect,
            "lobby_layout": DescribedRadioSelect,
            "button_color": forms.TextInput(
                attrs={"class": "color-text", "spellcheck": "false", "autocomplete": "off"}
            ),
            "lobby_message": forms.Textarea(
                attrs={"rows": 5, "placeholder": "Say hello, or tell guests what to prepare."}
            ),
        }
        error_messages = {
            "theme": {"invalid_choice": CHOOSE_THEME},
            "button_color": {"max_length": "Use a colour like #1f7ae0."},
            "lobby_title": {"max_length": too_long("the title", model_limit(Room, "lobby_title"))},
            "lobby_message": {
                "max_length": too_long("the message", model_limit(Room, "lobby_message"))
            },
            "lobby_layout": {"invalid_choice": "Choose the simple or the custom layout."},
        }

    def __init__(self, *args: object, room: Room, **kwargs: object) -> None:
        initial = model_to_dict(room, fields=self._meta.fields)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["lobby_title"].validators.append(PlainText("title"))
        self.fields["lobby_title"].widget.attrs["placeholder"] = room.name
        self.fields["lobby_message"].validators.append(PlainText("message", multiline=True))
        self.fields["button_color"].widget.attrs["placeholder"] = room.theme_palette.accent
        self.fields["button_color"].template_name = "rooms/fields/button_color.html"
        self.fields["lobby_message"].template_name = "rooms/fields/lobby_message.html"
        for image in IMAGE_FIELDS:  # customize.js previews the file chosen, or none if removed.
            self.fields[image].widget.attrs["data-preview-image"] = image
            self.fields[f"remove_{image}"].widget.attrs["data-remove-image"] = image
        links = [dict(link) for link in room.lobby_links[:LOBBY_LINKS_MAX]]
        # Bound, the rows are read as posted: every row with text in it is checked.
        if self.is_bound:
            self.links = LinkFormSet(self.data, prefix="links")
        else:
            self.links = LinkFormSet(initial=links, prefix="links")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if not self.links.is_valid():  # Refused as a whole: one save, or nothing.
            raise forms.ValidationError(
                list(self.links.non_form_errors()) or ["Check the links marked below."]
            )
        return cleaned

    def clean_button_color(self) -> str:
        color = self.cleaned_data["button_color"]
        if color and not BUTTON_COLOR.fullmatch(color):
            raise forms.ValidationError("Use a colour like #1f7ae0, or leave it empty.")
        return color.lower()

    def clean_background(self) -> ContentFile | None:
        return self._clean_image("background")

    def clean_logo(self) -> ContentFile | None:
        return self._clean_image("logo")

    def clean_lobby_image(self) -> ContentFile | None:
        return self._clean_image("lobby_image")

    def _clean_image(self, field: str) -> ContentFile | None:
        upload = self.cleaned_data[field]
        return checked_image(upload, field) if upload else None

    def changes(self) -> dict[str, object]:
        """The fields to apply: an image is replaced by an upload, cleared by Remove, else kept."""
        data = {**self.cleaned_data, "lobby_links": self.links.links}
        changes = {name: data[name] for name in CUSTOMIZABLE if name not in IMAGE_FIELDS}
        for image in IMAGE_LIMITS:
            if data[image]:
                changes[image] = data[image]
            elif data[f"remove_{image}"]:
                changes[image] = None
        return changes


class RenameForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ("name",)
        field_classes = {"name": RoomNameField}
        labels = {"name": "New name"}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}

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
    limit = model_limit(Room, "name")
    return name[: limit - len(suffix)].rstrip() + suffix


class DuplicateForm(forms.ModelForm):
    """Which settings a copy takes; its ids are prefixed so they never clash with New room's."""

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

    class Meta:
        model = Room
        fields = ("name",)
        field_classes = {"name": RoomNameField}
        labels = {"name": "New name"}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "duplicate-%s")
        super().__init__(*args, **kwargs)

    @property
    def settings_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("theme_and_branding", "lobby", "privacy")]


class JoinForm(forms.ModelForm):
    """The name a guest or host gives in the lobby, as a join request stores it."""

    class Meta:
        model = JoinRequest
        fields = ("display_name",)
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "name"})}
        error_messages = {
            "display_name": {
                "required": "Enter the name others will see.",
                "max_length": too_long("your name", model_limit(JoinRequest, "display_name")),
            }
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].validators.append(PlainText("name"))


class DashboardFilterForm(forms.Form):
    """The dashboard's search, filter and sort, from the URL (so they survive a reload and work
    without JavaScript). A value that is not one of the choices counts as not given."""

    SHOW = [
        ("", "All rooms"),
        ("locked", "Locked"),
        ("unlocked", "Unlocked"),
        ("waiting", "Guests waiting"),
    ]
    SORT = [("", "Last used"), ("name", "Name"), ("created", "Newest")]

    q = forms.CharField(
        label="Search rooms",
        required=False,
        max_length=80,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Room name"}),
    )
    show = forms.ChoiceField(label="Show", choices=SHOW, required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT, required=False)

    def values(self) -> dict[str, str]:
        """The valid ones, the others as not given."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
