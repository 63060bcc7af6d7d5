"""Room views: the dashboard and every action on a room, each with its own URL."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from . import limits
from .forms import CustomizeForm, DuplicateForm, NewRoomForm, PrivacyForm, RenameForm, copy_name
from .models import THEMES, Room, digest


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def owned_room_or_404(request: HttpRequest, code: UUID) -> Room:
    """The one way to reach a room by its dashboard code: a stranger's room is a 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Room, code=code, owner=request.user)


@contextmanager
def deleted_meanwhile_is_404() -> Iterator[None]:
    """A room deleted by another request after this one found it: the same 404 as ever."""
    try:
        yield
    except Room.DoesNotExist:
        raise Http404 from None


def rename_code(request: HttpRequest) -> UUID | None:
    """The room whose name is being edited without JavaScript (`/?rename=<code>`)."""
    try:
        return UUID(request.GET.get("rename", ""))
    except ValueError:
        return None


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    rooms = Room.objects.for_dashboard(request.user)
    context = {"rooms": rooms, "form": NewRoomForm(), "renaming": rename_code(request)}
    return render(request, "rooms/dashboard.html", context)


def render_partials(request: HttpRequest, names: list[str], context: dict) -> HttpResponse:
    """Several partials of the dashboard in one HTMX response (the later ones swap out of band)."""
    html = "".join(render_to_string(f"rooms/dashboard.html#{n}", context, request) for n in names)
    return HttpResponse(html)


@require_POST
@login_required
def create_room(request: HtmxHttpRequest) -> HttpResponse:
    form = NewRoomForm(request.POST)
    if form.is_valid():
        Room.create(request.user, **form.cleaned_data)
        if not request.htmx:
            return redirect("rooms:dashboard")
        form = NewRoomForm()
    rooms = Room.objects.for_dashboard(request.user)
    if request.htmx:
        context = {"form": form, "rooms": rooms, "oob": True}
        return render_partials(request, ["new-room", "room-list"], context)
    return render(request, "rooms/dashboard.html", {"rooms": rooms, "form": form}, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def customize_room(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "POST":
        form = CustomizeForm(request.POST, request.FILES, initial=CustomizeForm.initial_for(room))
        if form.is_valid():
            with deleted_meanwhile_is_404():
                room.customize(by=request.user, **form.changes())
            messages.success(request, "Saved.")
            return redirect("rooms:customize", code=room.code)
    else:
        form = CustomizeForm(initial=CustomizeForm.initial_for(room))
    context = {"room": room, "form": form, "themes": THEMES}
    return render(request, "rooms/customize.html", context, status=400 if form.errors else 200)


def room_for_link_or_404(request: HttpRequest, slug: str, secret: str) -> tuple[Room, bool]:
    """The room a link opens and whether it is the host link; every miss is the same 404.

    Misses are counted per client: guessing secrets soon meets a 429."""
    limit, window = settings.LINK_LIMIT
    message = "Too many wrong room links from your address. Wait a few minutes and try again."
    limits.check(request, "link", limit, window, message)
    room = Room.objects.filter(
        Q(participant_digest=digest(secret)) | Q(host_digest=digest(secret))
    ).first()
    given = secret.encode()
    is_host = room is not None and secrets.compare_digest(room.host_secret.encode(), given)
    is_participant = room is not None and secrets.compare_digest(
        room.participant_secret.encode(), given
    )
    if room is None or room.slug != slug or not (is_host or is_participant):
        limits.spend(request, "link", window)
        raise Http404
    return room, is_host


@require_safe
def lobby(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, is_host = room_for_link_or_404(request, slug, secret)
    return render(request, "rooms/lobby.html", {"room": room, "is_host": is_host})


@require_safe
@login_required
def activity(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    entries = room.activities.select_related("actor")[:200]
    return render(request, "rooms/activity.html", {"room": room, "entries": entries})


def render_tile(request: HttpRequest, room: Room, **context: object) -> HttpResponse:
    """One tile again after an action, with the waiting count the dashboard query annotates."""
    room = Room.objects.for_dashboard(request.user).get(pk=room.pk)
    return render(request, "rooms/dashboard.html#room-tile", {"room": room, **context})


def render_dialog(
    request: HtmxHttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """A dialog's partial for htmx (shown in the page's <dialog>), its own page without it."""
    if request.htmx:
        return render(request, f"{template}#dialog", context)
    return render(request, template, context, status=status)


def dialog_done(request: HtmxHttpRequest, message: str, focus: str) -> HttpResponse:
    """After a dialog's action: back to the dashboard with the message.

    With htmx: empties the dialog, swaps in the new room list, then dashboard.js closes it,
    says the message and moves focus to `focus`."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("rooms:dashboard")
    rooms = Room.objects.for_dashboard(request.user)
    response = render_partials(request, ["room-list"], {"rooms": rooms, "oob": True})
    return trigger_client_event(
        response, "dialog-done", {"message": message, "focus": focus}, after="settle"
    )


@require_POST
@login_required
def rename_room(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    form = RenameForm(request.POST, current=room.name)
    if form.is_valid():
        with deleted_meanwhile_is_404():
            room.rename(form.cleaned_data["name"], by=request.user)
        if request.htmx:
            return render_tile(request, room, focus_rename=True)
        messages.success(request, f"Renamed to “{room.name}”.")
        return redirect("rooms:dashboard")
    if request.htmx:
        return render_tile(request, room, renaming=room.code, rename_form=form)
    rooms = Room.objects.for_dashboard(request.user)
    context = {"rooms": rooms, "form": NewRoomForm(), "renaming": room.code, "rename_form": form}
    return render(request, "rooms/dashboard.html", context, status=400)


@require_POST
@login_required
def set_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    form = PrivacyForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Privacy must be locked (1) or unlocked (0).", status=400)
    room.set_locked(form.cleaned_data["locked"], by=request.user)
    if request.htmx:
        return render_tile(request, room)
    state = "locked: guests ask to join" if room.locked else "unlocked: anyone with the link joins"
    messages.success(request, f"“{room.name}” is {state}.")
    return redirect("rooms:dashboard")


@require_http_methods(["GET", "POST"])
@login_required
def regenerate_links(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "GET":
        return render_dialog(request, "rooms/regenerate_dialog.html", {"room": room})
    with deleted_meanwhile_is_404():
        room.regenerate_links(by=request.user)
    message = f"New links for “{room.name}”. The old links no longer work."
    return dialog_done(request, message, focus=f"regenerate-{room.code}")


@require_http_methods(["GET", "POST"])
@login_required
def duplicate_room(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "GET":
        form = DuplicateForm(initial={"name": copy_name(room.name)})
        return render_dialog(request, "rooms/duplicate_dialog.html", {"room": room, "form": form})
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        context = {"room": room, "form": form}
        return render_dialog(request, "rooms/duplicate_dialog.html", context, status=400)
    with deleted_meanwhile_is_404():
        copy = room.duplicate(**form.cleaned_data, by=request.user)
    message = f"Created “{copy.name}”."
    return dialog_done(request, message, focus=f"room-{copy.code}")


@require_http_methods(["GET", "POST"])
@login_required
def delete_room(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "GET":
        return render_dialog(request, "rooms/delete_dialog.html", {"room": room})
    with deleted_meanwhile_is_404():
        room.delete_with_files(by=request.user)
    message = f"Deleted “{room.name}”."
    # dashboard.js focuses the neighbouring tile, which it noted when the dialog opened.
    return dialog_done(request, message, focus="")
