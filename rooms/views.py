"""Room views: the dashboard and every action on a room, each with its own URL."""

import secrets
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from .forms import CustomizeForm, NewRoomForm
from .models import THEMES, Room, digest


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def owned_room_or_404(request: HttpRequest, code: UUID) -> Room:
    """The one way to reach a room by its dashboard code: a stranger's room is a 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Room, code=code, owner=request.user)


@require_GET
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


def room_for_link_or_404(slug: str, secret: str) -> tuple[Room, bool]:
    """The room a link opens and whether it is the host link; every miss is the same 404."""
    room = Room.objects.filter(
        Q(participant_digest=digest(secret)) | Q(host_digest=digest(secret))
    ).first()
    if room is None or room.slug != slug:
        raise Http404
    is_host = secrets.compare_digest(room.host_secret.encode(), secret.encode())
    if not is_host and not secrets.compare_digest(
        room.participant_secret.encode(), secret.encode()
    ):
        raise Http404
    return room, is_host


@require_GET
def lobby(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, is_host = room_for_link_or_404(slug, secret)
    return render(request, "rooms/lobby.html", {"room": room, "is_host": is_host})
