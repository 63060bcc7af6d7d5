"""Account forms: they validate, nothing more."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from common.text import PlainText

from .models import User


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")
        labels = {"email": "Email", "display_name": "Display name"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        # The address is shown in the account menu; an e-mail domain may be any script.
        PlainText("address")(email)
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead."
            )
        return email

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter a display name.")
        PlainText("display name")(name)  # Hosts and the activity log show it to others.
        return name
