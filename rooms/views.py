"""Room views: the dashboard and every action on a room, each with its own URL."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from . import roles
from .forms import JoinForm, NewRoomForm, PrivacyForm
from .models import AskedTooSoon, JoinRequest, Room


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


def room_for_link_or_404(slug: str, secret: str) -> tuple[Room, bool]:
    """The room a link opens and whether it is the host link; every miss is the same 404."""
    found = roles.room_for_link(slug, secret)
    if found is None:
        raise Http404
    return found


def hosted_room_or_404(request: HttpRequest, code: UUID) -> Room:
    """A room its owner or a host (by the host link, in this session) may run; others get 404."""
    room = get_object_or_404(Room, code=code)
    if not roles.is_host(request.session, request.user, room):
        raise Http404
    return room


def stream_path(slug: str, secret: str, stream: str) -> str:
    return "/ws" + reverse("rooms:lobby", args=[slug, secret]) + f"{stream}/"


def render_lobby(
    request: HttpRequest, room: Room, secret: str, form: JoinForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "room": room,
        "secret": secret,
        "is_host": roles.is_host(request.session, request.user, room),
        "form": form,
        "join_request": roles.own_request(request.session, room),
        "guest_stream": stream_path(room.slug, secret, "guest"),
        **extra,
    }
    template = "rooms/lobby.html#join-state" if request.htmx else "rooms/lobby.html"
    return render(request, template, context, status=status)


@require_GET
def lobby(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(slug, secret)
    if via_host_link:
        roles.remember_host_link(request.session, room)
    join_request = roles.own_request(request.session, room)
    if join_request and join_request.status == JoinRequest.Status.ALLOWED:
        return redirect("rooms:room", slug, secret)  # Let in while away: straight in.
    name = request.user.display_name if request.user.is_authenticated else ""
    return render_lobby(request, room, secret, JoinForm(initial={"display_name": name}))


@require_POST
def join(request: HtmxHttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(slug, secret)
    if via_host_link:
        roles.remember_host_link(request.session, room)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render_lobby(request, room, secret, form, status=400)
    name = form.cleaned_data["display_name"]
    if roles.is_host(request.session, request.user, room) or not room.locked:
        roles.admit(request.session, room, name)
        room.mark_used()
        return navigate(request, room.room_path(secret))
    try:
        JoinRequest.ask(room, roles.guest_id(request.session), name)
    except AskedTooSoon as too_soon:
        wait = f"Please wait {too_soon.seconds_left} seconds before asking again."
        return render_lobby(request, room, secret, form, status=429, ask_error=wait)
    return navigate(request, reverse("rooms:lobby", args=[slug, secret]))


def navigate(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A whole new page (the room, or the lobby's waiting state with its stream) either way."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@login_required
def owner_join(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    roles.admit(request.session, room, request.user.display_name)
    room.mark_used()
    return redirect(room.host_room_path)


def room_context(room: Room, member: roles.Member, secret: str) -> dict:
    return {
        "room": room,
        "member": member,
        "secret": secret,
        "people": room.presences.all(),
        "waiting": room.waiting() if member.is_host else [],
        "presence_stream": stream_path(room.slug, secret, "room"),
        "host_stream": stream_path(room.slug, secret, "host"),
    }


@require_GET
def room_page(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(slug, secret)
    if via_host_link:
        roles.remember_host_link(request.session, room)
    member = roles.member(request.session, request.user, room)
    if member is None:
        return redirect("rooms:lobby", slug, secret)
    return render(request, "rooms/room.html", room_context(room, member, secret))


@require_POST
def leave(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, _ = room_for_link_or_404(slug, secret)
    roles.leave(request.session, room)
    messages.info(request, f"You left {room.name}.")
    return redirect("rooms:lobby", slug, secret)


def decider(request: HttpRequest, room: Room) -> dict:
    """Who decided, for the activity log: the account, or the name an anonymous host gave."""
    member = roles.member(request.session, request.user, room)
    user = request.user if request.user.is_authenticated else None
    return {"by": user, "by_name": member.name if member else "A host"}


def after_decision(request: HtmxHttpRequest, room: Room) -> HttpResponse:
    """The owner's notification area or the host panel, whichever the click came from."""
    if request.htmx.target == "owner-requests":
        requests = JoinRequest.objects.pending_for_owner(request.user)
        return render(request, "rooms/notifications.html#owner-requests", {"requests": requests})
    if request.htmx:
        return render(
            request, "rooms/room.html#host-panel", {"room": room, "waiting": room.waiting()}
        )
    back = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(room.host_room_path)


@require_POST
def allow_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    get_object_or_404(room.join_requests, pk=pk).allow(**decider(request, room))
    return after_decision(request, room)


@require_POST
def deny_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    get_object_or_404(room.join_requests, pk=pk).deny(**decider(request, room))
    return after_decision(request, room)


@require_POST
def allow_all(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    room.allow_all(**decider(request, room))
    return after_decision(request, room)


@require_POST
def host_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        room.set_locked(form.cleaned_data["locked"], **decider(request, room))
    return after_decision(request, room)
