"""Room views: the dashboard and every action on a room, each with its own URL."""

import secrets
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from . import limits
from .forms import CustomizeForm, NewRoomForm
from .models import THEMES, Room, digest


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def owned_room_or_404(request: HttpRequest, code: UUID) -> Room:
    """The one way to reach a room by its dashboard code: a stranger's room is a 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Room, code=code, owner=request.user)


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    rooms = Room.objects.for_dashboard(request.user)
    return render(request, "rooms/dashboard.html", {"rooms": rooms, "form": NewRoomForm()})


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
