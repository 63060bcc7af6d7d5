"""Every URL, sent as every kind of visitor, with the one outcome each may get.

A URL without a row here fails `test_every_url_has_a_row`: new views must say who may use them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from rooms.models import JoinRequest, Presence, Room

ROLES = ("anonymous", "stranger", "participant", "host", "owner")
LOGIN = "login"  # a redirect to the log-in page


@dataclass(frozen=True)
class Row:
    method: str
    path: Callable[[Room], str]
    outcomes: dict[str, int | str]
    data: dict | None = None


def everyone(outcome: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, outcome)


def signed_in_only(outcome: int | str, stranger: int | str | None = None) -> dict[str, int | str]:
    return {
        "anonymous": LOGIN,
        "stranger": outcome if stranger is None else stranger,
        "participant": LOGIN,
        "host": LOGIN,
        "owner": outcome,
    }


def code(room: Room) -> str:
    return str(room.code)


def hosts_only(outcome: int | str) -> dict[str, int | str]:
    """Owner or host (by the host link, in this session); nobody else learns the room exists."""
    return {
        "anonymous": 404,
        "stranger": 404,
        "participant": 404,
        "host": outcome,
        "owner": outcome,
    }


def waiting_guest(room: Room) -> int:
    return JoinRequest.objects.get_or_create(
        room=room, guest_id="matrix-guest", defaults={"display_name": "Gus"}
    )[0].pk


def person(room: Room, action: str) -> str:
    """A host action on someone in the room (not the owner), by their peer id."""
    present, _ = Presence.objects.get_or_create(
        room=room,
        channel_name="matrix-socket",
        defaults={"display_name": "Pat", "session_key": "matrix-session"},
    )
    return f"/rooms/{code(room)}/people/{present.peer_id}/{action}/"


def link(room: Room, action: str = "") -> str:
    return f"{room.participant_path}{action}"


MATRIX: dict[str, Row] = {
    "rooms:dashboard": Row("GET", lambda r: "/", signed_in_only(200)),
    "rooms:create": Row(
        "POST",
        lambda r: "/rooms/new/",
        signed_in_only(302),
        {"name": "X", "theme": "ocean", "locked": "1"},
    ),
    "rooms:activity": Row(
        "GET", lambda r: f"/rooms/{code(r)}/activity/", signed_in_only(200, stranger=404)
    ),
    "rooms:customize": Row(
        "GET", lambda r: f"/rooms/{code(r)}/customize/", signed_in_only(200, stranger=404)
    ),
    "rooms:rename": Row(
        "POST",
        lambda r: f"/rooms/{code(r)}/rename/",
        signed_in_only(302, stranger=404),
        {"name": "New"},
    ),
    "rooms:privacy": Row(
        "POST",
        lambda r: f"/rooms/{code(r)}/privacy/",
        signed_in_only(302, stranger=404),
        {"locked": "0"},
    ),
    "rooms:regenerate_links": Row(
        "GET", lambda r: f"/rooms/{code(r)}/links/regenerate/", signed_in_only(200, stranger=404)
    ),
    "rooms:regenerate_links POST": Row(
        "POST", lambda r: f"/rooms/{code(r)}/links/regenerate/", signed_in_only(302, stranger=404)
    ),
    "rooms:duplicate": Row(
        "GET", lambda r: f"/rooms/{code(r)}/duplicate/", signed_in_only(200, stranger=404)
    ),
    "rooms:duplicate POST": Row(
        "POST",
        lambda r: f"/rooms/{code(r)}/duplicate/",
        signed_in_only(302, stranger=404),
        {"name": "Copy", "theme_and_branding": "on"},
    ),
    "rooms:delete": Row(
        "GET", lambda r: f"/rooms/{code(r)}/delete/", signed_in_only(200, stranger=404)
    ),
    "rooms:delete POST": Row(
        "POST", lambda r: f"/rooms/{code(r)}/delete/", signed_in_only(302, stranger=404)
    ),
    "rooms:owner_join": Row(
        "GET", lambda r: f"/rooms/{code(r)}/join/", signed_in_only(302, stranger=404)
    ),
    "rooms:allow_request": Row(
        "POST", lambda r: f"/rooms/{code(r)}/requests/{waiting_guest(r)}/allow/", hosts_only(302)
    ),
    "rooms:deny_request": Row(
        "POST", lambda r: f"/rooms/{code(r)}/requests/{waiting_guest(r)}/deny/", hosts_only(302)
    ),
    "rooms:allow_all": Row(
        "POST", lambda r: f"/rooms/{code(r)}/requests/allow-all/", hosts_only(302)
    ),
    "rooms:deny_all": Row("GET", lambda r: f"/rooms/{code(r)}/requests/deny-all/", hosts_only(200)),
    "rooms:deny_all POST": Row(
        "POST", lambda r: f"/rooms/{code(r)}/requests/deny-all/", hosts_only(302)
    ),
    "rooms:host_privacy": Row(
        "POST", lambda r: f"/rooms/{code(r)}/host/privacy/", hosts_only(302), {"locked": "0"}
    ),
    "rooms:mute": Row("POST", lambda r: person(r, "mute"), hosts_only(302)),
    "rooms:remove": Row("GET", lambda r: person(r, "remove"), hosts_only(200)),
    "rooms:remove POST": Row("POST", lambda r: person(r, "remove"), hosts_only(302)),
    "rooms:send_to_waiting": Row("POST", lambda r: person(r, "send-to-waiting"), hosts_only(302)),
    "rooms:end_meeting": Row("GET", lambda r: f"/rooms/{code(r)}/end/", hosts_only(200)),
    "rooms:end_meeting POST": Row("POST", lambda r: f"/rooms/{code(r)}/end/", hosts_only(302)),
    # Anyone with the link may ask (the room is locked): they are sent back to wait in the lobby.
    "rooms:join": Row("POST", lambda r: link(r, "join/"), everyone(302), {"display_name": "Dee"}),
    # The room page is for those let in: everyone else goes back to the lobby.
    "rooms:room": Row("GET", lambda r: link(r, "room/"), {**everyone(302), "owner": 200}),
    "rooms:leave": Row("POST", lambda r: link(r, "leave/"), everyone(302)),
    "rooms:cancel_request": Row("POST", lambda r: link(r, "cancel/"), everyone(302)),
    "rooms:lobby": Row("GET", lambda r: r.participant_path, everyone(200)),
    "accounts:signup": Row(
        "GET", lambda r: "/accounts/signup/", {**everyone(200), "stranger": 302, "owner": 302}
    ),
    "accounts:login": Row(
        "GET", lambda r: "/accounts/login/", {**everyone(200), "stranger": 302, "owner": 302}
    ),
    "accounts:logout": Row("POST", lambda r: "/accounts/logout/", everyone(302)),
    "accounts:password_change": Row(
        "GET", lambda r: "/accounts/password/change/", signed_in_only(200)
    ),
    "accounts:password_change_done": Row(
        "GET", lambda r: "/accounts/password/change/done/", signed_in_only(200)
    ),
    "accounts:password_reset": Row("GET", lambda r: "/accounts/password/reset/", everyone(200)),
    "accounts:password_reset_done": Row(
        "GET", lambda r: "/accounts/password/reset/sent/", everyone(200)
    ),
    "accounts:password_reset_confirm": Row(
        "GET", lambda r: "/accounts/password/reset/MQ/bad-token/", everyone(200)
    ),
    "accounts:password_reset_complete": Row(
        "GET", lambda r: "/accounts/password/reset/done/", everyone(200)
    ),
    # A load balancer's checks (tests/test_health.py): anyone, signed in or not.
    "healthz_live": Row("GET", lambda r: "/healthz/live", everyone(200)),
    "healthz_ready": Row("GET", lambda r: "/healthz/ready", everyone(200)),
}
# Django admin checks staff itself (tested in tests/test_admin.py); uploaded files are public by
# unguessable name.
NOT_IN_MATRIX = {"admin", "media"}


def named_urls(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in NOT_IN_MATRIX:
                continue
            names |= named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}{pattern.name}")
            elif "media" not in str(pattern.pattern) and "bench" not in str(pattern.pattern):
                names.add(f"{namespace}<unnamed {pattern.pattern}>")
    return names


def test_every_url_has_a_row():
    assert named_urls(get_resolver().url_patterns) == {key.split()[0] for key in MATRIX}


def become(role: str, client, room: Room, charlie) -> None:
    if role == "stranger":
        client.force_login(charlie)
    elif role == "owner":
        client.force_login(room.owner)
    elif role == "participant":
        client.get(room.participant_path)
    elif role == "host":
        client.get(room.host_path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_visitor_gets_only_their_outcome(client, alices_room, charlie, name, role):
    row = MATRIX[name]
    become(role, client, alices_room, charlie)
    path = row.path(alices_room)
    send = client.get if row.method == "GET" else client.post
    response = send(path, row.data or {})
    expected = row.outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == expected
