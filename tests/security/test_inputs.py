"""Every form and upload, tried with empty, oversized, wrong-type, HTML and Unicode edge cases.

Each input is either accepted, kept exactly and shown as escaped text on every page that shows
it, or refused with a clear message while the rows, the activity log and the media folder stay
as they were.
"""

import io
import struct
import zlib

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape
from PIL import Image, PngImagePlugin

from accounts.models import User
from rooms.models import Activity, Room
from session_rooms import urls
from tests.conftest import PASSWORD, password_hash
from tests.helpers import link_rows, stored_files, upload

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
ZWJ_EMOJI = "\U0001f469\u200d\U0001f4bb Dev sync"  # woman technologist: two emoji and a ZWJ
SKIN_TONES = "\U0001f44b\U0001f3fd Hello \U0001f44d\U0001f3ff"
COMBINING = "Cafe\u0301 Z\u0337\u0322a\u0334l\u0335g\u0336o"
RIGHT_TO_LEFT = "اجتماع الفريق"  # Arabic, no direction controls
ASTRAL_80 = "\U0001d516" * 80  # MATHEMATICAL FRAKTUR S: each one a surrogate pair in UTF-16
# Scotland: a black flag, "gbsct" in tag letters, CANCEL TAG; the one visible use of tags.
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
# ZERO WIDTH NON-JOINER inside a Persian word ("half-space"), as Persian spells it.
PERSIAN_HALF_SPACE = "نیم" + "\u200c" + "فاصله"
# "hi" in invisible tag letters: ASCII smuggled after a name.
HIDDEN_TAGS = "\U000e0068\U000e0069"

NUL = "Null characters are not allowed."
DIRECTION = "cannot contain invisible text-direction characters"
MB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("media")


def state() -> tuple[list, list, list]:
    """Every room, activity and user row: a refused input must leave all of them as they were."""
    return (
        list(Room.objects.order_by("pk").values()),
        list(Activity.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
    )


def assert_shown_as_text(html: str, text: str, where: str) -> None:
    assert escape(text) in html, f"{text!r} is missing from the {where}"
    if escape(text) != text:
        assert text not in html, f"{text!r} is not escaped in the {where}"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create(
        email="root@example.com",
        password=password_hash(),
        display_name="Root",
        is_staff=True,
        is_superuser=True,
    )


def pages_showing(room: Room, owner: Client, staff: User) -> dict[str, str]:
    """Every page where a room's name appears, as the person who may see it."""
    anonymous, admin = Client(), Client()
    admin.force_login(staff)
    responses = {
        "dashboard tile": owner.get("/"),
        "lobby": anonymous.get(room.participant_path),
        "customize preview": owner.get(f"/rooms/{room.code}/customize/"),
        "activity page": owner.get(f"/rooms/{room.code}/activity/"),
        "admin room list": admin.get("/admin/rooms/room/"),
        "admin activity list": admin.get("/admin/rooms/activity/"),
    }
    for where, response in responses.items():
        assert response.status_code == 200, where
    return {where: response.content.decode() for where, response in responses.items()}


# Room names: New room, Rename and Duplicate all take one.


def create(client: Client, room: Room, name: str):
    return client.post("/rooms/new/", {"name": name, "theme": "ocean", "locked": "1"})


def rename(client: Client, room: Room, name: str):
    return client.post(f"/rooms/{room.code}/rename/", {"name": name})


def duplicate(client: Client, room: Room, name: str):
    return client.post(f"/rooms/{room.code}/duplicate/", {"name": name, "lobby": "on"})


NAME_FORMS = {"new-room": create, "rename": rename, "duplicate": duplicate}

GOOD_NAMES = [
    pytest.param(SCRIPT, id="script-tag"),
    pytest.param(BREAKOUT, id="attribute-breakout"),
    pytest.param("Tom & Jerry's <b>room</b>", id="ampersand-quote-tag"),
    pytest.param(RIGHT_TO_LEFT, id="right-to-left-script"),
    pytest.param(ZWJ_EMOJI, id="zero-width-joiner-emoji"),
    pytest.param(SKIN_TONES, id="emoji-skin-tones"),
    pytest.param(COMBINING, id="combining-marks"),
    pytest.param(ASTRAL_80, id="80-astral-characters"),
    pytest.param("José", id="latin-accent"),
    pytest.param("李雷", id="chinese"),
    pytest.param("محمد", id="arabic"),
    pytest.param("Ωmega", id="greek"),
    pytest.param("\U0001f469\u200d\U0001f4bb Dana", id="emoji-zwj-sequence"),
    pytest.param(PERSIAN_HALF_SPACE, id="persian-zero-width-non-joiner"),
    pytest.param(f"Burns night {SCOTLAND}", id="subdivision-flag-tags"),
]

CONTROL = "The name cannot contain control characters."
TAGS = "The name cannot contain invisible tag characters."
INVISIBLE = "The name has no visible characters."
BAD_NAMES = [
    pytest.param("", "Give the room a name.", id="empty"),
    pytest.param(" \t \n ", "Give the room a name.", id="whitespace-only"),
    pytest.param("\u3000\u00a0", "Give the room a name.", id="unicode-spaces-only"),
    pytest.param("x" * 81, "Keep the name to 80 characters or fewer.", id="81-characters"),
    pytest.param(
        "\U0001f600" * 81, "Keep the name to 80 characters or fewer.", id="81-astral-characters"
    ),
    pytest.param("Stand\x00up", NUL, id="nul-byte"),
    pytest.param("Stand\x07up", CONTROL, id="bell"),
    pytest.param("Stand\x1b[2Jup", CONTROL, id="terminal-escape"),
    pytest.param("Stand\x85up", CONTROL, id="c1-control"),
    pytest.param("Stand\u2028up", CONTROL, id="line-separator"),
    pytest.param("Standup\u202egpj.exe", DIRECTION, id="right-to-left-override"),
    pytest.param("\u2067Standup\u2069", DIRECTION, id="direction-isolate"),
    pytest.param("\u200b\u200d\u2060", "The name has no visible characters.", id="invisible-only"),
    pytest.param("Dana\u200f", DIRECTION, id="right-to-left-mark"),
    pytest.param("\u200e\u200f", DIRECTION, id="direction-marks-only"),
    pytest.param("\u061c", DIRECTION, id="arabic-letter-mark-only"),
    pytest.param(f"Standup{HIDDEN_TAGS}", TAGS, id="hidden-tag-text"),
    pytest.param(HIDDEN_TAGS, TAGS, id="tag-characters-only"),
    pytest.param("\U0001f3f4\U000e007f", TAGS, id="flag-without-subdivision"),
    *(
        pytest.param(blank, INVISIBLE, id=f"blank-{name}")
        for name, blank in [
            ("hangul-filler", "\u3164"),
            ("halfwidth-hangul-filler", "\uffa0"),
            ("braille-pattern-blank", "\u2800\u2800"),
            ("hangul-choseong-jungseong-fillers", "\u115f\u1160"),
            ("fillers-between-spaces", "\u3164 \u2800 \uffa0"),
            ("variation-selector", "\ufe0f"),
            ("soft-hyphen", "\u00ad"),
            ("combining-grapheme-joiner", "\u034f"),
            ("mongolian-vowel-separator", "\u180e"),
            ("private-use", "\ue000"),
            ("unassigned", "\u0378"),
        ]
    ),
]


@pytest.mark.parametrize("form", NAME_FORMS)
@pytest.mark.parametrize("name", GOOD_NAMES)
def test_an_unusual_room_name_is_kept_exactly_and_shown_as_text_everywhere(
    client, alice, alices_room, staff, form, name
):
    client.force_login(alice)
    response = NAME_FORMS[form](client, alices_room, name)
    assert response.status_code == 302
    room = Room.objects.get(name=name)
    assert room.owner == alice
    for where, html in pages_showing(room, client, staff).items():
        assert_shown_as_text(html, name, where)


@pytest.mark.parametrize("form", NAME_FORMS)
@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_a_bad_room_name_is_refused_with_its_message_and_changes_nothing(
    client, alice, alices_room, form, name, message
):
    client.force_login(alice)
    before = state()
    response = NAME_FORMS[form](client, alices_room, name)
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert state() == before


def test_bytes_that_are_not_utf8_are_kept_as_replacement_characters(client, alice):
    # The test client cannot send a lone surrogate as text; this is the same on the wire.
    client.force_login(alice)
    body = b"name=%ED%A0%80Room%FF&theme=ocean&locked=1"
    response = client.post("/rooms/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Room.objects.get().name == "\ufffd\ufffd\ufffdRoom\ufffd"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("theme", "neon", "Choose one of the themes."),
        ("theme", SCRIPT, "Choose one of the themes."),
        ("theme", "", "This field is required."),
        ("locked", "maybe", "Choose locked or unlocked."),
    ],
)
def test_the_new_room_form_refuses_a_choice_it_does_not_offer(client, alice, field, value, message):
    client.force_login(alice)
    data = {"name": "Retro", "theme": "ocean", "locked": "1", field: value}
    response = client.post("/rooms/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert SCRIPT not in html
    assert not Room.objects.exists()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", ["maybe", "", "2", "true", SCRIPT, "1\x00", None])
def test_privacy_takes_only_locked_or_unlocked(client, alice, alices_room, value):
    client.force_login(alice)
    before = state()
    data = {} if value is None else {"locked": value}
    response = client.post(f"/rooms/{alices_room.code}/privacy/", data)
    assert response.status_code == 400
    assert response.content.decode() == "Privacy must be locked (1) or unlocked (0)."
    assert state() == before


# Customize: every field, the links and the three images.


def customize(client: Client, room: Room, **fields: object):
    data = {"theme": "ocean", "button_color": "", "lobby_layout": "simple", **link_rows(), **fields}
    return client.post(f"/rooms/{room.code}/customize/", data)


def png(size: tuple[int, int] = (4, 4), pnginfo=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 122, 224)).save(buffer, "PNG", pnginfo=pnginfo)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb as attackers craft one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def link(label: str = "Agenda", url: str = "https://example.com/agenda") -> dict[str, str]:
    return {"lobby_layout": "custom", **link_rows((label, url))}


COLOUR = "Use a colour like #1f7ae0, or leave it empty."
COLOUR_LENGTH = "Use a colour like #1f7ae0."
HTTP_ONLY = "Use an address that starts with http:// or https://."
FULL_ADDRESS = "Enter a full web address, like https://example.com."
WRONG_TYPE = "Upload a PNG, JPEG or WebP image."
TOO_MANY_PIXELS = "pixels; use one of at most 24 megapixels (such as 6000 \u00d7 4000)"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

BAD_CUSTOMIZATIONS = [
    pytest.param({"theme": "neon"}, "Choose one of the themes.", id="theme-neon"),
    pytest.param({"theme": ""}, "This field is required.", id="theme-empty"),
    pytest.param(
        {"lobby_layout": "weird"}, "Choose the simple or the custom layout.", id="layout-weird"
    ),
    pytest.param({"button_color": "red"}, COLOUR, id="colour-red"),
    pytest.param({"button_color": "#12345"}, COLOUR, id="colour-5-digits"),
    pytest.param({"button_color": "#12345g"}, COLOUR, id="colour-not-hex"),
    pytest.param({"button_color": "\uff03123456"}, COLOUR, id="colour-fullwidth-hash"),
    pytest.param({"button_color": "#1234567"}, COLOUR_LENGTH, id="colour-7-digits"),
    pytest.param({"button_color": "javascript:alert(1)"}, COLOUR_LENGTH, id="colour-javascript"),
    pytest.param({"button_color": "#fff;}*{x:y"}, COLOUR_LENGTH, id="colour-css-injection"),
    pytest.param(
        {"lobby_title": "x" * 81}, "Keep the title to 80 characters or fewer.", id="title-81"
    ),
    pytest.param({"lobby_title": "Wel\x00come"}, NUL, id="title-nul"),
    pytest.param(
        {"lobby_title": "Wel\x1bcome"},
        "The title cannot contain control characters.",
        id="title-control",
    ),
    pytest.param({"lobby_title": "Wel\u202ecome"}, DIRECTION, id="title-override"),
    pytest.param(
        {"lobby_title": "\u200b"}, "The title has no visible characters.", id="title-invisible"
    ),
    pytest.param(
        {"lobby_message": "x" * 1001},
        "Keep the message to 1,000 characters or fewer.",
        id="message-1001",
    ),
    pytest.param(
        {"lobby_message": "\U0001f600" * 1001},
        "Keep the message to 1,000 characters or fewer.",
        id="message-1001-astral",
    ),
    pytest.param({"lobby_message": "hi\x00"}, NUL, id="message-nul"),
    pytest.param(
        {"lobby_message": "hi \x1b[31mred"},
        "The message cannot contain control characters.",
        id="message-terminal-escape",
    ),
    pytest.param({"lobby_message": "see \u202etxt.exe"}, DIRECTION, id="message-override"),
    pytest.param(
        link(label="x" * 41), "Keep the label to 40 characters or fewer.", id="link-label-41"
    ),
    pytest.param(link(label="Agenda\u202e"), DIRECTION, id="link-label-override"),
    pytest.param(
        link(label="\u3164\u3164"), "The label has no visible characters.", id="link-label-blank"
    ),
    pytest.param(
        {"lobby_title": f"Welcome{HIDDEN_TAGS}"},
        "The title cannot contain invisible tag characters.",
        id="title-hidden-tags",
    ),
    pytest.param({"lobby_message": "hi\n\u200e"}, DIRECTION, id="message-direction-mark"),
    pytest.param(link(label="Agenda\x00"), NUL, id="link-label-nul"),
    pytest.param(
        link(url="https://example.com/" + "a" * 481),
        "Keep the address to 500 characters or fewer.",
        id="link-url-501",
    ),
    pytest.param(
        link(url="https://example.com/" + "a" * 100_000),
        "Keep the address to 500 characters or fewer.",
        id="link-url-100k",
    ),
    pytest.param(link(url="javascript:alert(1)"), HTTP_ONLY, id="link-javascript"),
    pytest.param(link(url=" JavaScript:alert(1)"), HTTP_ONLY, id="link-javascript-spaced"),
    pytest.param(link(url="java\tscript:alert(1)"), HTTP_ONLY, id="link-javascript-tab"),
    pytest.param(link(url="data:text/html,<script>alert(1)</script>"), HTTP_ONLY, id="link-data"),
    pytest.param(link(url="//evil.example.com/"), HTTP_ONLY, id="link-scheme-relative"),
    pytest.param(link(url="https://"), FULL_ADDRESS, id="link-no-host"),
    pytest.param(link(url="https://exa mple.com/"), FULL_ADDRESS, id="link-space"),
    pytest.param(link(url="https://example.com/\x00"), NUL, id="link-nul"),
    pytest.param(
        {"logo": upload("empty.png", b"")}, "The submitted file is empty.", id="empty-image"
    ),
    pytest.param(
        {"background": upload("x.svg", SVG, "image/svg+xml")}, WRONG_TYPE, id="svg-with-script"
    ),
    pytest.param(
        {"lobby_image": upload("x.png", b"\x89PNG\r\n\x1a\n" + SCRIPT.encode())},
        WRONG_TYPE,
        id="png-signature-then-html",
    ),
    pytest.param(
        {"logo": upload("bomb.png", png_claiming(8000, 6000))},
        f"This image is 8,000 \u00d7 6,000 {TOO_MANY_PIXELS}",
        id="decompression-bomb-48-megapixels",
    ),
    pytest.param(
        {"background": upload("bomb.png", png_claiming(50_000, 50_000))},
        f"This image has too many {TOO_MANY_PIXELS}",
        id="decompression-bomb-2500-megapixels",
    ),
]


@pytest.mark.parametrize(("fields", "message"), BAD_CUSTOMIZATIONS)
def test_a_bad_customization_is_refused_with_its_message_and_changes_nothing(
    client, alice, alices_room, media, fields, message
):
    client.force_login(alice)
    before = state()
    # A good image beside the bad field must not be written either.
    good = {"logo": upload("ok.png", png())} if "logo" not in fields else {}
    response = customize(client, alices_room, **{"lobby_title": "Changed", **good, **fields})
    assert response.status_code == 422
    html = response.content.decode()
    assert escape(message) in html
    assert "Nothing was saved." in html
    assert SCRIPT not in html
    assert state() == before
    assert stored_files(media) == set()


def test_a_post_over_the_size_limit_is_refused_and_changes_nothing(client, alice, alices_room):
    client.force_login(alice)
    before = state()
    response = customize(client, alices_room, lobby_message="x" * (7 * MB))
    assert response.status_code == 400
    assert state() == before


GOOD_TEXTS = [
    pytest.param(SCRIPT, id="script-tag"),
    pytest.param(BREAKOUT, id="attribute-breakout"),
    pytest.param(RIGHT_TO_LEFT, id="right-to-left-script"),
    pytest.param(ZWJ_EMOJI, id="zero-width-joiner-emoji"),
    pytest.param(SKIN_TONES, id="emoji-skin-tones"),
    pytest.param(COMBINING, id="combining-marks"),
    pytest.param(ASTRAL_80, id="80-astral-characters"),
]


@pytest.mark.parametrize("text", GOOD_TEXTS)
def test_unusual_lobby_text_is_kept_exactly_and_shown_as_text(client, alice, alices_room, text):
    client.force_login(alice)
    title, message, label = text[:80], f"{text}\nSecond line", text[:40]
    url = "https://example.com/?q=" + text.replace(" ", "+")  # An address has no spaces.
    response = customize(
        client,
        alices_room,
        lobby_layout="custom",
        lobby_title=title,
        lobby_message=message,
        **link_rows((label, url)),
    )
    assert response.status_code == 302
    alices_room.refresh_from_db()
    assert (alices_room.lobby_title, alices_room.lobby_message) == (title, message)
    assert alices_room.lobby_links == [{"label": label, "url": url}]
    pages = {
        "lobby": Client().get(alices_room.participant_path).content.decode(),
        "customize preview": client.get(f"/rooms/{alices_room.code}/customize/").content.decode(),
    }
    for where, html in pages.items():
        assert_shown_as_text(html, title, where)
        assert_shown_as_text(html, label, where)
        assert_shown_as_text(html, url, where)
        assert escape(text) + "<br>Second line" in html, where


def test_a_message_of_1000_astral_characters_is_accepted(client, alice, alices_room):
    client.force_login(alice)
    response = customize(client, alices_room, lobby_message="\U0001f600" * 1000)
    assert response.status_code == 302
    alices_room.refresh_from_db()
    assert alices_room.lobby_message == "\U0001f600" * 1000


def test_a_png_carrying_html_is_stored_and_served_only_as_an_image(
    client, alice, alices_room, media, monkeypatch
):
    """A polyglot: a valid PNG whose text chunk is an HTML page. It is kept (it is an image),
    named .png whatever it was called, stored re-encoded without its text, and served as
    image/png that browsers may not sniff."""
    client.force_login(alice)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", f"<html><body>{SCRIPT}</body></html>")
    polyglot = upload("page.html", png(pnginfo=info), "text/html")
    assert customize(client, alices_room, logo=polyglot).status_code == 302
    alices_room.refresh_from_db()
    assert alices_room.logo.name.endswith(".png")
    assert SCRIPT.encode() not in (media / alices_room.logo.name).read_bytes()
    # The media URL was bound to MEDIA_ROOT at import; point it at this test's folder.
    (served,) = [p for p in urls.urlpatterns if "document_root" in getattr(p, "default_args", {})]
    monkeypatch.setitem(served.default_args, "document_root", media)
    response = Client().get(alices_room.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Even opened as a page, only our own script files could run, and there are none here.
    assert "script-src 'self';" in response["Content-Security-Policy"]
    response.close()


# Accounts: sign-up, log-in, password change and reset.


def signup_data(**fields: str) -> dict[str, str]:
    password = "a-long-pass-phrase-7"
    data = {"email": "dana@example.com", "display_name": "Dana"}
    return {**data, "password1": password, "password2": password, **fields}


BAD_SIGNUPS = [
    pytest.param({"email": ""}, "This field is required.", id="email-empty"),
    pytest.param({"email": "   "}, "This field is required.", id="email-whitespace"),
    pytest.param(
        {"email": f"{SCRIPT}@example.com"}, "Enter a valid email address.", id="email-script"
    ),
    pytest.param(
        {"email": "d" * 250 + "@example.com"}, "at most 254 characters", id="email-oversized"
    ),
    pytest.param({"email": "dana@exa\u202emple.com"}, DIRECTION, id="email-override"),
    pytest.param({"email": "dana@example.com\x00"}, NUL, id="email-nul"),
    pytest.param({"display_name": ""}, "This field is required.", id="name-empty"),
    pytest.param({"display_name": " \t "}, "This field is required.", id="name-whitespace"),
    pytest.param({"display_name": "x" * 51}, "at most 50 characters (it has 51)", id="name-51"),
    pytest.param({"display_name": "Da\x00na"}, NUL, id="name-nul"),
    pytest.param(
        {"display_name": "Da\x07na"},
        "The display name cannot contain control characters.",
        id="name-control",
    ),
    pytest.param({"display_name": "Dana\u202e"}, DIRECTION, id="name-override"),
    pytest.param(
        {"display_name": "\u200b\u200d"},
        "The display name has no visible characters.",
        id="name-invisible",
    ),
    pytest.param(
        {"display_name": "\u3164\u2800\uffa0"},
        "The display name has no visible characters.",
        id="name-blank-fillers",
    ),
    pytest.param({"display_name": "\u200f"}, DIRECTION, id="name-direction-mark"),
    pytest.param(
        {"display_name": f"Dana{HIDDEN_TAGS}"},
        "The display name cannot contain invisible tag characters.",
        id="name-hidden-tags",
    ),
    pytest.param(
        {"password1": "", "password2": ""}, "This field is required.", id="password-empty"
    ),
    pytest.param(
        {"password2": "another-pass-phrase-7"},
        "The two password fields didn\u2019t match.",
        id="password-mismatch",
    ),
    pytest.param(
        {"password1": "pass\x00phrase-long-7", "password2": "pass\x00phrase-long-7"},
        NUL,
        id="password-nul",
    ),
]


@pytest.mark.parametrize(("fields", "message"), BAD_SIGNUPS)
def test_a_bad_signup_is_refused_with_its_message_and_creates_nobody(
    client, alice, fields, message
):
    before = state()
    response = client.post("/accounts/signup/", signup_data(**fields))
    assert response.status_code == 422
    html = response.content.decode()
    assert escape(message) in html
    assert SCRIPT not in html
    assert state() == before
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "name",
    [
        SCRIPT,
        BREAKOUT,
        ZWJ_EMOJI,
        SKIN_TONES,
        COMBINING,
        RIGHT_TO_LEFT,
        "李雷",
        PERSIAN_HALF_SPACE,
        f"Ailsa {SCOTLAND}",
    ],
)
def test_an_unusual_display_name_is_kept_and_shown_as_text(client, staff, name):
    assert client.post("/accounts/signup/", signup_data(display_name=name)).status_code == 302
    user = User.objects.get(email="dana@example.com")
    assert user.display_name == name
    assert client.post("/rooms/new/", {"name": "Mine", "theme": "ocean", "locked": "1"})
    room = Room.objects.get()
    admin = Client()
    admin.force_login(staff)
    pages = {
        "dashboard menu": client.get("/"),
        "activity page": client.get(f"/rooms/{room.code}/activity/"),
        "admin user list": admin.get("/admin/accounts/user/"),
        "admin activity list": admin.get("/admin/rooms/activity/"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_shown_as_text(response.content.decode(), name, where)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("", "", id="empty"),
        pytest.param("   ", PASSWORD, id="whitespace-email"),
        pytest.param(SCRIPT, PASSWORD, id="script-email"),
        pytest.param("alice@example.com\x00", PASSWORD, id="nul-in-email"),
        pytest.param("alice@example.com", PASSWORD + "\x00", id="nul-in-password"),
        pytest.param("a" * 10_000 + "@example.com", PASSWORD, id="oversized-email"),
        pytest.param("alice@example.com", "x" * 100_000, id="oversized-password"),
        pytest.param("alice@example.com\u202e", PASSWORD, id="override-in-email"),
    ],
)
def test_a_bad_login_is_refused_with_a_message_and_signs_nobody_in(
    client, alice, username, password
):
    before = state()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="form-errors"' in html or 'class="field-error"' in html
    assert SCRIPT not in html
    assert "_auth_user_id" not in client.session
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"old_password": ""}, "This field is required.", id="old-empty"),
        pytest.param({"old_password": "wrong"}, "Your old password was entered", id="old-wrong"),
        pytest.param({"old_password": PASSWORD + "\x00"}, NUL, id="old-nul"),
        pytest.param(
            {"new_password1": "fresh\x00pass-99", "new_password2": "fresh\x00pass-99"},
            NUL,
            id="new-nul",
        ),
        pytest.param(
            {"new_password2": "other-pass-99"},
            "The two password fields didn\u2019t match.",
            id="new-mismatch",
        ),
        pytest.param(
            {"new_password1": "   ", "new_password2": "   "},
            "This password is too short",
            id="new-spaces",
        ),
    ],
)
def test_a_bad_password_change_is_refused_and_keeps_the_password(client, alice, fields, message):
    client.force_login(alice)
    before = state()
    data = {
        "old_password": PASSWORD,
        "new_password1": "fresh-pass-99",
        "new_password2": "fresh-pass-99",
    }
    response = client.post("/accounts/password/change/", {**data, **fields})
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert state() == before


def test_a_password_may_be_any_unicode_and_long(client, alice):
    client.force_login(alice)
    new = "пароль \U0001f511 " + SKIN_TONES + "x" * 5000
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password/change/", data).status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        pytest.param("", "This field is required.", id="empty"),
        pytest.param(f"{SCRIPT}@example.com", "Enter a valid email address.", id="script"),
        pytest.param("alice@example.com\x00", NUL, id="nul"),
        pytest.param("a" * 10_000 + "@example.com", "at most 254 characters", id="oversized"),
    ],
)
def test_a_bad_reset_address_is_refused_and_sends_nothing(client, alice, email, message):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 422
    html = response.content.decode()
    assert escape(message) in html
    assert SCRIPT not in html
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        pytest.param("", "", "This field is required.", id="empty"),
        pytest.param("fresh\x00pass-4321", "fresh\x00pass-4321", NUL, id="nul"),
        pytest.param("fresh-pass-4321", "fresh-pass-1234", "didn\u2019t match", id="mismatch"),
    ],
)
def test_a_bad_new_password_from_a_reset_link_is_refused(
    client, alice, settings, password1, password2, message
):
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    form_url = client.get(link.split(settings.SITE_URL, 1)[1], follow=True).redirect_chain[-1][0]
    before = state()
    data = {"new_password1": password1, "new_password2": password2}
    response = client.post(form_url, data)
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com/",
        "javascript:alert(1)",
    ],
)
def test_log_in_never_sends_anyone_off_site(client, alice, next_url):
    data = {"username": "alice@example.com", "password": PASSWORD, "next": next_url}
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302
    assert response.url == "/"
