"""The room themes for every template: base.html turns them into CSS variables once."""

from django.http import HttpRequest

from .models import THEMES


def themes(request: HttpRequest) -> dict[str, object]:
    return {"THEMES": THEMES}
