"""How long ago, as people say it: "Just now" under a minute, not "0 minutes ago"."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "Just now"
    return f"{timesince(moment)} ago"


def waited_for(seconds: float) -> str:
    """How long a guest has waited, short: "just now", "4 min", "1 h 5 min"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


@register.filter
def waited(since: datetime) -> str:
    return waited_for((timezone.now() - since).total_seconds())
