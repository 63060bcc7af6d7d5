"""The one htmx error convention: htmx swaps 422, 429 and 503 partials like successes (configured
once in base.html), every page has one toast region, and an htmx request over an abuse limit
gets a toast aimed at that region instead of the whole 429 page."""

import json
import re

from rooms.models import Actor, JoinRequest
from tests.conftest import PASSWORD
from tests.helpers import HTMX, ask, assert_in_html, elements

ASK_LIMITED = "Too many requests to join from your address."


def htmx_config(html: str) -> dict:
    content = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", html).group(1)
    return json.loads(content)


def test_htmx_swaps_2xx_3xx_422_429_503_and_nothing_else(client, alices_room):
    page = client.get(alices_room.participant_path)
    assert page.status_code == 200
    assert htmx_config(page.content.decode())["responseHandling"] == [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422|429|503", "swap": True, "error": False},
        {"code": "[45]..", "swap": False, "error": True},
        {"code": "...", "swap": False},
    ]


def toast_regions(client, path: str) -> int:
    html = client.get(path, follow=True).content.decode()
    assert elements(html, "div", id="toasts", class_="toasts", role="status", aria_live="polite")
    return len(elements(html, "div", id="toasts"))


def test_every_page_has_one_toast_region(client, alice, alices_room):
    for path in [alices_room.participant_path, "/accounts/login/", "/no-such-page/"]:
        assert toast_regions(client, path) == 1, path
    client.force_login(alice)
    code = alices_room.code
    for path in ["/", f"/rooms/{code}/customize/", f"/rooms/{code}/join/"]:  # the room page
        assert toast_regions(client, path) == 1, path


def test_server_messages_show_in_the_toast_region(client, alice, alices_room):
    client.force_login(alice)
    response = client.post(f"/rooms/{alices_room.code}/rename/", {"name": "Retro"}, follow=True)
    assert response.status_code == 200
    assert_in_html(
        '<div id="toasts" class="toasts" role="status" aria-live="polite">'
        '<p class="toast toast-success">Renamed to “Retro”.</p></div>',
        response.content.decode(),
    )


def test_a_page_request_over_the_limit_gets_the_whole_429_page(alices_room, settings):
    settings.ASK_LIMIT = (1, 60)
    assert ask(alices_room).status_code == 302
    response = ask(alices_room)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "HX-Retarget" not in response
    html = response.content.decode()
    assert_in_html("<h1>Too many attempts</h1>", html)
    assert_in_html(f'<p class="muted">{ASK_LIMITED}</p>', html)
    assert 'class="topbar"' in html
    assert JoinRequest.objects.count() == 1


def test_an_htmx_ask_over_the_limit_gets_a_toast_for_the_toast_region(alices_room, settings):
    settings.ASK_LIMIT = (1, 60)
    assert ask(alices_room, **HTMX).status_code == 200  # HX-Redirect to the waiting lobby
    response = ask(alices_room, **HTMX)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["HX-Retarget"] == "#toasts"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert_in_html(f'<p class="toast toast-error" role="alert">{ASK_LIMITED}</p>', html)
    assert html.strip().startswith("<p") and html.strip().endswith("</p>")  # that and no more
    assert "topbar" not in html
    assert JoinRequest.objects.count() == 1


def test_an_htmx_log_in_over_the_limit_gets_the_same_toast(client, alice, settings):
    settings.LOGIN_LIMIT = (1, 300)
    wrong = {"username": alice.email, "password": "wrong"}
    assert client.post("/accounts/login/", wrong, **HTMX).status_code == 422
    response = client.post("/accounts/login/", {**wrong, "password": PASSWORD}, **HTMX)
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert response["HX-Retarget"] == "#toasts"
    assert_in_html(
        '<p class="toast toast-error" role="alert">'
        "Too many failed log-in attempts. Wait a few minutes and try again.</p>",
        response.content.decode(),
    )
    assert "topbar" not in response.content.decode()


def assert_only_the_lobby_card(html: str) -> None:
    """The partial the lobby's form targets, and nothing of the page around it."""
    assert elements(html, "section", id="join-state")
    assert "topbar" not in html
    assert html.count("<main") == 0


def test_an_htmx_ask_with_a_bad_name_gets_the_lobby_card_with_a_422(client, alices_room):
    response = ask(alices_room, " ", client=client, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert_only_the_lobby_card(html)
    assert 'aria-invalid="true"' in html
    assert JoinRequest.objects.count() == 0


def test_an_htmx_ask_at_a_full_waiting_room_gets_the_lobby_card_with_a_503(alices_room, settings):
    settings.WAITING_ROOM_CAP = 1
    ask(alices_room, "Dana")
    response = ask(alices_room, "Erin", **HTMX)
    assert response.status_code == 503
    html = response.content.decode()
    assert_only_the_lobby_card(html)
    assert_in_html(
        '<p class="field-error" role="alert">'
        "The waiting room is full right now. Please try again in a few minutes.</p>",
        html,
    )
    assert 'value="Erin"' in html  # what the guest typed stays in the field
    assert JoinRequest.objects.count() == 1


def test_an_htmx_ask_again_too_soon_gets_the_lobby_card_with_a_429(client, alice, alices_room):
    ask(alices_room, "Dana", client=client)
    JoinRequest.objects.get().deny(by=Actor.account(alice))
    response = ask(alices_room, "Dana", client=client, **HTMX)
    assert response.status_code == 429
    html = response.content.decode()
    assert_only_the_lobby_card(html)
    assert "seconds before asking again." in html
    assert "HX-Retarget" not in response  # the lobby card says it, not a toast
    assert JoinRequest.objects.get().status == "denied"
