"""Forms a template needs once per room: each dashboard tile's rename field."""

from uuid import UUID

from django import forms, template

from rooms.forms import RenameForm
from rooms.models import Room

register = template.Library()


@register.simple_tag
def rename_field(room: Room, posted: RenameForm | None, renaming: UUID | None) -> forms.BoundField:
    """The tile's name field: the posted form's when it was this room's (with its errors), else
    the room's name. Its id is the tile's, and it takes focus while its editor is open."""
    editing = renaming == room.code
    form = posted if editing and posted is not None else None
    form = form or RenameForm(initial={"name": room.name}, current=room.name)
    form.auto_id = f"rename-{room.code}-%s"  # One id per tile; aria-describedby follows it.
    widget = form.fields["name"].widget
    widget.attrs["id"] = f"rename-input-{room.code}"
    if editing:
        widget.attrs["autofocus"] = True
    return form["name"]
