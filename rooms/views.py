"""Room views: the dashboard and every action on a room, each with its own URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from . import limits, roles
from .forms import (
    CustomizeForm,
    DuplicateForm,
    JoinForm,
    NewRoomForm,
    PrivacyForm,
    RenameForm,
    copy_name,
)
from .models import THEMES, Actor, AskedTooSoon, JoinRequest, Room, WaitingRoomFull

DASHBOARD_PAGE_SIZE = 24


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


def dashboard_rooms(request: HttpRequest, page: int = 1) -> dict:
    """One page of the owner's tiles, most recently used first, and the next page if any.

    One row more than a page tells whether there is a next page without counting them all."""
    start = (page - 1) * DASHBOARD_PAGE_SIZE
    rooms = list(Room.objects.for_dashboard(request.user)[start : start + DASHBOARD_PAGE_SIZE + 1])
    more = len(rooms) > DASHBOARD_PAGE_SIZE
    return {
        "rooms": rooms[:DASHBOARD_PAGE_SIZE],
        "page": page,
        "next_page": page + 1 if more else None,
    }


@require_safe
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    context = dashboard_rooms(request, page)
    if request.htmx and page > 1:
        return render_partials(request, ["room-items", "more-rooms"], {**context, "more_oob": True})
    context |= {"form": NewRoomForm(), "renaming": rename_code(request)}
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
    rooms = dashboard_rooms(request)
    if request.htmx:
        context = {"form": form, **rooms, "oob": True}
        return render_partials(request, ["new-room", "room-list"], context)
    return render(request, "rooms/dashboard.html", {**rooms, "form": form}, status=400)


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
    found = roles.room_for_link(slug, secret)
    if found is None:
        limits.spend(request, "link", window)
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


@require_safe
def lobby(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(request, slug, secret)
    if via_host_link:
        roles.remember_host_link(request.session, room)
    join_request = roles.own_request(request.session, room)
    if join_request and join_request.status == JoinRequest.Status.ALLOWED:
        return redirect("rooms:room", slug, secret)  # Let in while away: straight in.
    name = request.user.display_name if request.user.is_authenticated else ""
    return render_lobby(request, room, secret, JoinForm(initial={"display_name": name}))


@require_POST
def join(request: HtmxHttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(request, slug, secret)
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
    limit, window = settings.ASK_LIMIT
    limits.check(request, "ask", limit, window, "Too many requests to join from your address.")
    limits.spend(request, "ask", window)
    try:
        JoinRequest.ask(room, roles.guest_id(request.session), name)
    except AskedTooSoon as too_soon:
        wait = f"Please wait {too_soon.seconds_left} seconds before asking again."
        return render_lobby(request, room, secret, form, status=429, ask_error=wait)
    except WaitingRoomFull:
        full = "The waiting room is full right now. Please try again in a few minutes."
        return render_lobby(request, room, secret, form, status=503, ask_error=full)
    return navigate(request, reverse("rooms:lobby", args=[slug, secret]))


def navigate(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A whole new page (the room, or the lobby's waiting state with its stream) either way."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_safe
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
        "people": room.presences.here(),
        **(room.host_list() if member.is_host else {}),
        "presence_stream": stream_path(room.slug, secret, "room"),
        "host_stream": stream_path(room.slug, secret, "host"),
    }


@require_safe
def room_page(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, via_host_link = room_for_link_or_404(request, slug, secret)
    if via_host_link:
        roles.remember_host_link(request.session, room)
    member = roles.member(request.session, request.user, room)
    if member is None:
        return redirect("rooms:lobby", slug, secret)
    return render(request, "rooms/room.html", room_context(room, member, secret))


@require_POST
def leave(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    room, _ = room_for_link_or_404(request, slug, secret)
    roles.leave(request.session, room)
    messages.info(request, f"You left {room.name}.")
    return redirect("rooms:lobby", slug, secret)


def decider(request: HttpRequest, room: Room) -> Actor:
    """Who decided, for the activity log: the account, or the name an anonymous host gave."""
    member = roles.member(request.session, request.user, room)
    user = request.user if request.user.is_authenticated else None
    return Actor(user, member.name if member else "A host")


def after_decision(request: HtmxHttpRequest, room: Room) -> HttpResponse:
    """The owner's notification area or the host panel, whichever the click came from."""
    if request.htmx.target == "owner-requests":
        context = JoinRequest.objects.owner_list(request.user)
        return render(request, "rooms/notifications.html#owner-requests", context)
    if request.htmx:
        return render(request, "rooms/room.html#host-panel", {"room": room, **room.host_list()})
    back = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(room.host_room_path)


@require_POST
def allow_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    get_object_or_404(room.join_requests, pk=pk).allow(by=decider(request, room))
    return after_decision(request, room)


@require_POST
def deny_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    get_object_or_404(room.join_requests, pk=pk).deny(by=decider(request, room))
    return after_decision(request, room)


@require_POST
def allow_all(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    room.allow_all(by=decider(request, room))
    return after_decision(request, room)


@require_POST
def host_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = hosted_room_or_404(request, code)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        room.set_locked(form.cleaned_data["locked"], by=decider(request, room))
    return after_decision(request, room)


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
    response = render_partials(request, ["room-list"], {**dashboard_rooms(request), "oob": True})
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
    context = {**dashboard_rooms(request), "form": NewRoomForm()}
    context |= {"renaming": room.code, "rename_form": form}
    return render(request, "rooms/dashboard.html", context, status=400)


@require_POST
@login_required
def set_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    form = PrivacyForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Privacy must be locked (1) or unlocked (0).", status=400)
    room.set_locked(form.cleaned_data["locked"], by=Actor.account(request.user))
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
