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


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=50,
        strip=True,
        error_messages={
            "required": "Enter the name others will see.",
            "max_length": "Keep your name to 50 characters or fewer.",
        },
    )

    def clean_display_name(self) -> str:
        value = self.cleaned_data["display_name"]
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise forms.ValidationError("The name cannot contain control characters.")
        return value


class PrivacyForm(forms.Form):
    locked = forms.TypedChoiceField(
        choices=[("1", "Locked"), ("0", "Unlocked")], coerce=lambda value: value == "1"
    )
