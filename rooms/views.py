"""Room views, each action with its own URL, in the order of who uses them: the owner (dashboard,
tile actions, customize, activity), anyone with a link (lobby, join, room page, leave), and
hosts (allow, deny, allow all, privacy from inside; mute, remove, send to the waiting room and
end the meeting). Each view's first line reaches its room
through one helper of `rooms.access`."""

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from common import limits

from . import janus
from .access import RoomAccess, host_access_or_404, link_access_or_404, owned_room_or_404
from .forms import (
    CustomizeForm,
    DashboardFilterForm,
    DuplicateForm,
    JoinForm,
    NewRoomForm,
    PrivacyForm,
    RenameForm,
    copy_name,
)
from .models import (
    Actor,
    AskedTooSoon,
    JoinRequest,
    MeetingActionRefused,
    OwnerLimitReached,
    Presence,
    Room,
    TooManyWaiting,
    WaitingRoomFull,
)

DASHBOARD_PAGE_SIZE = 24
ACTIVITY_PAGE_SIZE = 50
NAME_KEY = "display_name"  # The name this browser last joined or asked under, in the session.
DASHBOARD_PAGES_MAX = 100  # "?page=" beyond it shows the first page: 2,400 tiles at most.
# The htmx error convention (docs/contributing.md): invalid input answers 422 with the form's
# partial and its errors, which htmx swaps like a success (base.html's responseHandling).
INVALID = 422
NEW_ROOMS_TOO_FAST = "You made many rooms in a short time. Wait a minute, then try again."


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@contextmanager
def deleted_meanwhile_is_404() -> Iterator[None]:
    """A room deleted by another request after this one found it: the same 404 as ever."""
    try:
        yield
    except Room.DoesNotExist:
        raise Http404 from None


@contextmanager
def limit_as_form_error(form: forms.BaseForm) -> Iterator[None]:
    """An owner's limit reached (OwnerLimitReached) becomes the form's error: the form is shown
    again with what was typed, and nothing was changed."""
    try:
        yield
    except OwnerLimitReached as error:
        form.add_error(None, str(error))


def take_new_room(request: HttpRequest) -> str | None:
    """One try of NEW_ROOM_LIMIT, shared by creating and duplicating; a 429 past it."""
    limit, window = settings.NEW_ROOM_LIMIT
    return limits.take(request, "new-room", limit, window, NEW_ROOMS_TOO_FAST)


# The owner: the dashboard and its tiles' actions, customize, activity.


def rename_code(request: HttpRequest) -> UUID | None:
    """The room whose name is being edited without JavaScript (`/?rename=<code>`)."""
    try:
        return UUID(request.GET.get("rename", ""))
    except ValueError:
        return None


def dashboard_query(request: HtmxHttpRequest) -> QueryDict:
    """The dashboard's URL query: the request's own, or for an htmx post from the dashboard
    (create, delete, duplicate), the page's, so the list it sends back keeps its filters."""
    if request.method == "GET":
        return request.GET
    current = request.htmx.current_url if request.htmx else None
    return QueryDict(urlsplit(current).query) if current else QueryDict()


def dashboard_rooms(request: HtmxHttpRequest, page: int = 1, *, only_last: bool = False) -> dict:
    """The owner's tiles as searched, filtered and sorted (DashboardFilterForm; most recently
    used first by default), up to `page` pages (a reload of "?page=3" shows all three), or the
    last page alone (what "Show more rooms" appends); the next page if any, and the counts."""
    filters = DashboardFilterForm(dashboard_query(request))
    chosen = filters.values()
    owned = Room.objects.for_dashboard(request.user)
    matching = owned.filtered(**chosen)
    end = page * DASHBOARD_PAGE_SIZE
    start = end - DASHBOARD_PAGE_SIZE if only_last else 0
    rooms = list(matching[start : end + 1])
    more = len(rooms) > end - start
    searching = any(chosen.values())
    return {
        "rooms": rooms[: end - start],
        "page": page,
        "next_page": page + 1 if more else None,
        "filters": filters,
        "searching": searching,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "room_count": matching.count(),
        "owned_count": owned.count() if searching else None,
    }


@require_safe
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= DASHBOARD_PAGES_MAX else 1
    context = dashboard_rooms(request, page, only_last=bool(request.htmx) and page > 1)
    if request.htmx and page > 1:
        return render_partials(request, ["room-items", "more-rooms"], {**context, "more_oob": True})
    if request.htmx and request.htmx.target == "room-list":  # Searched, filtered or sorted.
        return render_partials(request, ["room-list"], context)
    context |= {"form": NewRoomForm(), "renaming": rename_code(request)}
    return render(request, "rooms/dashboard.html", context)


def render_partials(
    request: HttpRequest, names: list[str], context: dict, status: int = 200
) -> HttpResponse:
    """Several partials of the dashboard in one HTMX response (the later ones swap out of band)."""
    html = "".join(render_to_string(f"rooms/dashboard.html#{n}", context, request) for n in names)
    return HttpResponse(html, status=status)


@require_POST
@login_required
def create_room(request: HtmxHttpRequest) -> HttpResponse:
    attempt = take_new_room(request)
    form = NewRoomForm(request.POST)
    status, room = INVALID, None
    if form.is_valid():
        with limit_as_form_error(form):
            room = Room.create(request.user, **form.cleaned_data)
            message = f"Created “{room.name}”."
            if not request.htmx:
                messages.success(request, message)
                return redirect("rooms:dashboard")
            form, status = NewRoomForm(), 200
    if status == INVALID:
        limits.give_back(attempt)  # Only a room made spends a try.
    rooms = dashboard_rooms(request)
    if request.htmx:
        context = {"form": form, **rooms, "oob": True}
        response = render_partials(request, ["new-room", "room-list"], context, status=status)
        if room is None:
            return response
        # dashboard.js says it and moves focus to the new tile, not to <body>.
        created = {"message": message, "focus": f"room-{room.code}"}
        return trigger_client_event(response, "room-created", created, after="settle")
    return render(request, "rooms/dashboard.html", {**rooms, "form": form}, status=status)


def render_tile(
    request: HttpRequest, room: Room, status: int = 200, **context: object
) -> HttpResponse:
    """One tile again after an action, with the waiting count the dashboard query annotates."""
    room = Room.objects.for_dashboard(request.user).get(pk=room.pk)
    context = {"room": room, **context}
    return render(request, "rooms/dashboard.html#room-tile", context, status=status)


def render_dialog(
    request: HtmxHttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """A dialog's partial for htmx (shown in the page's <dialog>), its own page without it."""
    template = f"{template}#dialog" if request.htmx else template
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
        return render_tile(request, room, INVALID, renaming=room.code, rename_form=form)
    context = {**dashboard_rooms(request), "form": NewRoomForm()}
    context |= {"renaming": room.code, "rename_form": form}
    return render(request, "rooms/dashboard.html", context, status=INVALID)


@require_POST
@login_required
def set_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    form = PrivacyForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Privacy must be locked (1) or unlocked (0).", status=400)
    with deleted_meanwhile_is_404():
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
    return dialog_done(request, message, focus=f"menu-button-{room.code}")  # The tile menu's.


@require_http_methods(["GET", "POST"])
@login_required
def duplicate_room(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "GET":
        form = DuplicateForm(initial={"name": copy_name(room.name)})
        return render_dialog(request, "rooms/duplicate_dialog.html", {"room": room, "form": form})
    attempt = take_new_room(request)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        with deleted_meanwhile_is_404(), limit_as_form_error(form):
            copy = room.duplicate(**form.cleaned_data, by=request.user)
            return dialog_done(request, f"Created “{copy.name}”.", focus=f"room-{copy.code}")
    limits.give_back(attempt)
    context = {"room": room, "form": form}
    return render_dialog(request, "rooms/duplicate_dialog.html", context, status=INVALID)


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


@require_safe
@login_required
def owner_join(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    RoomAccess.for_request(request, room).admit(request.user.display_name)
    return redirect(room.host_room_path)


@require_http_methods(["GET", "POST"])
@login_required
def customize_room(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    if request.method == "POST":
        form = CustomizeForm(request.POST, request.FILES, room=room)
        if form.is_valid():
            with deleted_meanwhile_is_404(), limit_as_form_error(form):
                room.customize(by=request.user, **form.changes())
                messages.success(request, "Saved.")
                return redirect("rooms:customize", code=room.code)
    else:
        form = CustomizeForm(room=room)
    context = {"room": room, "form": form}
    return render(request, "rooms/customize.html", context, status=INVALID if form.errors else 200)


@require_safe
@login_required
def activity(request: HttpRequest, code: UUID) -> HttpResponse:
    room = owned_room_or_404(request, code)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    start = (page - 1) * ACTIVITY_PAGE_SIZE
    entries = list(room.activities.select_related("actor")[start : start + ACTIVITY_PAGE_SIZE + 1])
    context = {
        "room": room,
        "entries": entries[:ACTIVITY_PAGE_SIZE],
        "newer_page": page - 1 if page > 1 else None,
        "older_page": page + 1 if len(entries) > ACTIVITY_PAGE_SIZE else None,
    }
    return render(request, "rooms/activity.html", context)


# Anyone with a link: the lobby, joining, the room page, leaving.


def stream_path(access: RoomAccess, stream: str) -> str:
    return "/ws" + reverse("rooms:lobby", args=[access.room.slug, access.secret]) + f"{stream}/"


def render_lobby(
    request: HtmxHttpRequest, access: RoomAccess, form: JoinForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "room": access.room,
        "secret": access.secret,
        "is_host": access.is_host,
        "form": form,
        "join_request": access.join_request,
        "guest_stream": stream_path(access, "guest"),
        **extra,
    }
    template = "rooms/lobby.html#join-state" if request.htmx else "rooms/lobby.html"
    return render(request, template, context, status=status)


def navigate(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A whole new page (the room, or the lobby's waiting state with its stream) either way."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_safe
def lobby(request: HtmxHttpRequest, slug: str, secret: str) -> HttpResponse:
    access = link_access_or_404(request, slug, secret)
    if access.request_allowed:
        return redirect("rooms:room", slug, secret)  # Let in while away: straight in.
    if access.join_request and not access.join_request.revisit():
        access.forget("join_request")  # Expired while away: they ask again.
    account = request.user.display_name if request.user.is_authenticated else ""
    name = access.name_before or request.session.get(NAME_KEY) or account
    return render_lobby(request, access, JoinForm(initial={"display_name": name}))


@require_POST
def join(request: HtmxHttpRequest, slug: str, secret: str) -> HttpResponse:
    access = link_access_or_404(request, slug, secret)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render_lobby(request, access, form, status=INVALID)
    if request.session.get(NAME_KEY) != form.cleaned_data["display_name"]:
        request.session[NAME_KEY] = form.cleaned_data["display_name"]  # Filled in next time.
    if access.enters_at_once:
        access.admit(form.cleaned_data["display_name"])
        return navigate(request, access.room.room_path(secret))
    limit, window = settings.ASK_LIMIT
    limits.take(request, "ask", limit, window, "Too many requests to join from your address.")
    try:
        access.ask(form.cleaned_data["display_name"], limits.client(request))
    except AskedTooSoon as too_soon:
        wait = f"Please wait {too_soon.seconds_left} seconds before asking again."
        retry = too_soon.seconds_left  # lobby.js counts it down, the button off until then.
        return render_lobby(request, access, form, status=429, ask_error=wait, retry_after=retry)
    except WaitingRoomFull:
        full = "The waiting room is full right now. Please try again in a few minutes."
        return render_lobby(request, access, form, status=503, ask_error=full)
    except TooManyWaiting:
        mine = (
            f"{settings.WAITING_PER_CLIENT} requests from your address are already waiting "
            "for this room. Please wait until a host answers them, or sign in to ask as yourself."
        )
        return render_lobby(request, access, form, status=429, ask_error=mine)
    return navigate(request, reverse("rooms:lobby", args=[slug, secret]))


@require_safe
def room_page(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    access = link_access_or_404(request, slug, secret)
    if access.member is None:
        if access.name_before:  # A visit that ended while away (or new links): say so.
            again = "join" if access.enters_at_once else "ask to join"
            messages.info(request, f"Your visit to {access.room.name} has ended: {again} again.")
        return redirect("rooms:lobby", slug, secret)
    access.stay()
    room = access.room
    context = {
        "room": room,
        "member": access.member,
        "secret": secret,
        **room.presences.first_here(),
        "me": request.session.session_key,
        **(room.host_list() if access.member.is_host else {}),
        "presence_stream": stream_path(access, "room"),
        "host_stream": stream_path(access, "host"),
        "meeting_stream": stream_path(access, "meeting"),
        "meeting": meeting_config(access),
    }
    return render(request, "rooms/room.html", context)


def meeting_config(access: RoomAccess) -> dict:
    """What the meeting client needs (the page's `json_script` "meeting"): its socket, where
    Leave and the lobby are, and for hosts the URLs of their actions ("PEER" is a peer id)."""
    room, is_host = access.room, access.member.is_host
    person = reverse("rooms:mute", args=[room.code, "PEER"]).removesuffix("mute/")
    return {
        "stream": stream_path(access, "meeting"),
        "name": access.member.name,
        "is_host": is_host,
        "locked": room.locked,
        "mesh_limit": settings.MEETING_MESH_LIMIT,
        "transport": "janus" if janus.enabled() else "mesh",
        "lobby": reverse("rooms:lobby", args=[room.slug, access.secret]),
        "leave": reverse("rooms:leave", args=[room.slug, access.secret]),
        "mute": person + "mute/" if is_host else None,
        "remove": person + "remove/" if is_host else None,
        "send_to_waiting": person + "send-to-waiting/" if is_host else None,
        "end": reverse("rooms:end_meeting", args=[room.code]) if is_host else None,
    }


@require_POST
def leave(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    access = link_access_or_404(request, slug, secret)
    access.leave()
    access.room.close_meetings_of(request.session.session_key, "left")  # Its other tabs too.
    messages.info(request, f"You left {access.room.name}.")
    return redirect("rooms:lobby", slug, secret)


@require_POST
def cancel_request(request: HtmxHttpRequest, slug: str, secret: str) -> HttpResponse:
    """A waiting guest takes back their own request: it leaves every host's list at once."""
    access = link_access_or_404(request, slug, secret)
    if access.cancel():
        messages.info(request, "You cancelled your request to join.")
    return navigate(request, reverse("rooms:lobby", args=[slug, secret]))


# Hosts (the owner included), from the room's host panel or the owner's notification area.


def after_decision(request: HtmxHttpRequest, room: Room) -> HttpResponse:
    """The owner's notification area or the host panel, whichever the click came from. The
    area lists the signed-in owner's own rooms: any other host gets the panel, whatever the
    target says."""
    if request.htmx.target == "owner-requests" and request.user.pk == room.owner_id:
        context = JoinRequest.objects.owner_list(request.user)
        return render(request, "rooms/notifications.html#owner-requests", context)
    if request.htmx:
        return render(request, "rooms/room.html#host-panel", {"room": room, **room.host_list()})
    back = request.headers.get("referer", "")
    return redirect(back if same_site(request, back) else room.host_room_path)


def same_site(request: HttpRequest, url: str) -> bool:
    return url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())


@require_POST
def allow_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    access = host_access_or_404(request, code)
    with deleted_meanwhile_is_404():
        get_object_or_404(access.room.join_requests, pk=pk).allow(by=access.actor)
    return after_decision(request, access.room)


@require_POST
def deny_request(request: HtmxHttpRequest, code: UUID, pk: int) -> HttpResponse:
    access = host_access_or_404(request, code)
    with deleted_meanwhile_is_404():
        get_object_or_404(access.room.join_requests, pk=pk).deny(by=access.actor)
    return after_decision(request, access.room)


@require_POST
def allow_all(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    access = host_access_or_404(request, code)
    with deleted_meanwhile_is_404():
        access.room.allow_all(by=access.actor)
    return after_decision(request, access.room)


@require_http_methods(["GET", "POST"])
def deny_all(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    access = host_access_or_404(request, code)
    room = access.room
    if request.method == "GET":
        back = request.headers.get("referer", "")
        context = {"room": room, "back": back if same_site(request, back) else room.host_room_path}
        return render_dialog(request, "rooms/deny_all_dialog.html", context)
    denied = room.deny_all(by=access.actor)
    if from_script(request) and not request.htmx:  # The room page's dialog: its socket shows it.
        return HttpResponse(status=204)
    if not request.htmx:
        guests = f"{denied} guest{pluralize(denied)}"
        messages.success(request, f"Denied everyone waiting for “{room.name}”: {guests}.")
        back = request.POST.get("next", "")
        return redirect(back if same_site(request, back) else room.host_room_path)
    return after_decision(request, room)


@require_POST
def host_privacy(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    access = host_access_or_404(request, code)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        with deleted_meanwhile_is_404():
            access.room.set_locked(form.cleaned_data["locked"], by=access.actor)
    return after_decision(request, access.room)


# Hosts in the meeting: each a person by their peer id (docs/meeting.md, "Host actions").


def present_or_404(access: RoomAccess, peer: str) -> Presence:
    """Someone in this host's room now, by their peer id; anyone else (or gone) is a 404."""
    return get_object_or_404(access.room.presences.select_related("room"), peer_id=peer)


def from_script(request: HtmxHttpRequest) -> bool:
    """htmx, or fetch: every current browser sends Sec-Fetch-Mode "navigate" with a form post
    only."""
    return bool(request.htmx) or request.headers.get("sec-fetch-mode", "navigate") != "navigate"


def meeting_action_done(request: HtmxHttpRequest, room: Room, message: str) -> HttpResponse:
    """htmx and fetch get 204 (the meeting socket shows the change); a plain form post goes
    back to the room page with the message."""
    if from_script(request):
        return HttpResponse(status=204)
    messages.success(request, message)
    return redirect(room.host_room_path)


def meeting_action_refused(request: HtmxHttpRequest, room: Room, refusal: str) -> HttpResponse:
    """409 with the reason for htmx and fetch; the room page with the reason otherwise."""
    if from_script(request):
        return HttpResponse(refusal, status=409, content_type="text/plain; charset=utf-8")
    messages.error(request, refusal)
    return redirect(room.host_room_path)


@require_POST
def mute(request: HtmxHttpRequest, code: UUID, peer: str) -> HttpResponse:
    access = host_access_or_404(request, code)
    person = present_or_404(access, peer)
    person.mute(by=access.actor)
    return meeting_action_done(request, access.room, f"{person.display_name} is muted.")


@require_http_methods(["GET", "POST"])
def remove_person(request: HtmxHttpRequest, code: UUID, peer: str) -> HttpResponse:
    access = host_access_or_404(request, code)
    person = present_or_404(access, peer)
    if request.method == "GET":
        context = {"room": access.room, "person": person}
        return render_dialog(request, "rooms/remove_dialog.html", context)
    try:
        person.remove(by=access.actor)
    except MeetingActionRefused as refused:
        return meeting_action_refused(request, access.room, str(refused))
    message = f"{person.display_name} was removed from the room."
    return meeting_action_done(request, access.room, message)


@require_POST
def send_to_waiting(request: HtmxHttpRequest, code: UUID, peer: str) -> HttpResponse:
    access = host_access_or_404(request, code)
    person = present_or_404(access, peer)
    try:
        person.send_to_waiting(by=access.actor)
    except MeetingActionRefused as refused:
        return meeting_action_refused(request, access.room, str(refused))
    message = f"{person.display_name} is back in the waiting room."
    return meeting_action_done(request, access.room, message)


@require_http_methods(["GET", "POST"])
def end_meeting(request: HtmxHttpRequest, code: UUID) -> HttpResponse:
    access = host_access_or_404(request, code)
    if request.method == "GET":
        return render_dialog(request, "rooms/end_dialog.html", {"room": access.room})
    access.room.end_meeting(by=access.actor)
    return meeting_action_done(request, access.room, "The meeting has ended for everyone.")
