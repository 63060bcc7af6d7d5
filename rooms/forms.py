"""Room forms: they validate input and nothing else."""

from django import forms

from .models import NAME_MAX_LENGTH, THEME_CHOICES


class RoomNameField(forms.CharField):
    """1-80 characters after trimming, any script; rendered as text wherever it appears."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", "Room name")
        super().__init__(
            max_length=NAME_MAX_LENGTH,
            strip=True,
            error_messages={
                "required": "Give the room a name.",
                "max_length": f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.",
            },
            **kwargs,
        )

    def clean(self, value: str) -> str:
        value = super().clean(value)
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise forms.ValidationError("The name cannot contain control characters.")
        return value


class NewRoomForm(forms.Form):
    name = RoomNameField()
    theme = forms.ChoiceField(label="Theme", choices=THEME_CHOICES, initial="ocean")
    locked = forms.TypedChoiceField(
        label="Privacy",
        choices=[("1", "Locked: guests ask to join"), ("0", "Unlocked: anyone with the link")],
        coerce=lambda value: value == "1",
        initial="1",
    )


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
