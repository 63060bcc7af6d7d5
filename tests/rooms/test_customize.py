"""The Customize page: the owner changes the room and its lobby in one atomic save."""

import io

import pytest
from django.db import IntegrityError
from PIL import Image

from rooms.models import Activity, Room
from tests.helpers import assert_in_html, element, link_rows, stored_files, text, upload

MB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("media")


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 122, 224)).save(buffer, kind)
    return buffer.getvalue()


def post_data(**overrides: object) -> dict[str, object]:
    data = {"theme": "ocean", "button_color": "", "lobby_layout": "simple", **link_rows()}
    data.update(overrides)
    return data


def url(room: Room) -> str:
    return f"/rooms/{room.code}/customize/"


def test_it_shows_the_page_with_a_preview_of_the_lobby(client, alice, alices_room):
    client.force_login(alice)
    response = client.get(url(alices_room))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lobby-preview"' in html
    assert 'data-preview="title"' in html
    assert "Standup" in html


def test_it_saves_every_field(
    client, alice, alices_room, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    links = link_rows(
        ("Agenda", "https://example.com/agenda"), ("Notes", "http://example.org/notes?q=1")
    )
    data = post_data(
        theme="forest",
        button_color="#FF8800",
        lobby_title="Welcome in",
        lobby_message="Line one\r\nLine two",
        lobby_layout="custom",
        background=upload("bg.png", image_bytes("PNG")),
        logo=upload("logo.webp", image_bytes("WEBP"), "image/webp"),
        lobby_image=upload("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        **links,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(alices_room), data)
    assert response.status_code == 302
    assert response.url == url(alices_room)
    alices_room.refresh_from_db()
    assert alices_room.theme == "forest"
    assert alices_room.button_color == "#ff8800"
    assert alices_room.lobby_title == "Welcome in"
    assert alices_room.lobby_message == "Line one\nLine two"
    assert alices_room.lobby_layout == "custom"
    assert alices_room.lobby_links == [
        {"label": "Agenda", "url": "https://example.com/agenda"},
        {"label": "Notes", "url": "http://example.org/notes?q=1"},
    ]
    assert alices_room.background.name.endswith(".png")
    assert alices_room.logo.name.endswith(".webp")
    assert alices_room.lobby_image.name.endswith(".jpg")
    assert len(stored_files(media)) == 3
    assert "Saved." in client.get(response.url).content.decode()


def test_it_writes_the_activity(client, alice, alices_room):
    client.force_login(alice)
    client.post(url(alices_room), post_data(theme="sunset", lobby_title="Hi"))
    activity = Activity.objects.get(kind=Activity.Kind.CUSTOMIZED)
    assert activity.room == alices_room
    assert activity.actor == alice
    assert activity.detail == "theme, lobby title"


def test_an_empty_button_colour_means_the_theme_colour(client, alice, alices_room):
    client.force_login(alice)
    alices_room.button_color = "#123456"
    alices_room.save()
    client.post(url(alices_room), post_data(theme="forest", button_color=""))
    alices_room.refresh_from_db()
    assert alices_room.button_color == ""
    assert alices_room.accent == "#237a4b"


@pytest.mark.parametrize("color", ["red", "#12345", "#1234567", "#ggghhh", "123456"])
def test_it_refuses_a_button_colour_that_is_not_hex(client, alice, alices_room, color):
    client.force_login(alice)
    response = client.post(url(alices_room), post_data(button_color=color, theme="forest"))
    assert response.status_code == 422
    alices_room.refresh_from_db()
    assert (alices_room.button_color, alices_room.theme) == ("", "ocean")


def test_it_refuses_a_stranger(client, charlie, alices_room):
    client.force_login(charlie)
    assert client.get(url(alices_room)).status_code == 404
    response = client.post(url(alices_room), post_data(theme="sunset"))
    assert response.status_code == 404
    alices_room.refresh_from_db()
    assert alices_room.theme == "ocean"


def test_it_sends_the_anonymous_visitor_to_log_in(client, alices_room):
    response = client.get(url(alices_room))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    response = client.post(url(alices_room), post_data(theme="sunset"))
    assert response.status_code == 302
    alices_room.refresh_from_db()
    assert alices_room.theme == "ocean"


def test_it_rejects_other_methods(client, alice, alices_room):
    client.force_login(alice)
    assert client.delete(url(alices_room)).status_code == 405


BAD_UPLOADS = [
    pytest.param(
        "background",
        upload("anim.gif", image_bytes("GIF"), "image/gif"),
        "Upload a PNG, JPEG or WebP image.",
        id="wrong-type",
    ),
    pytest.param(
        "logo",
        upload("logo.png", image_bytes("GIF"), "image/png"),
        "Upload a PNG, JPEG or WebP image.",
        id="gif-renamed-png",
    ),
    pytest.param(
        "lobby_image",
        upload("photo.jpg", b"just some text, not a photo\n" * 20, "image/jpeg"),
        "Upload a PNG, JPEG or WebP image.",
        id="text-renamed-jpg",
    ),
    pytest.param(
        "background",
        upload("bg.png", image_bytes("PNG").ljust(5 * MB + 1, b"\0")),
        "The background must be 5 MB or smaller.",
        id="background-5mb-plus-1",
    ),
    pytest.param(
        "logo",
        upload("logo.png", image_bytes("PNG").ljust(1 * MB + 1, b"\0")),
        "The logo must be 1 MB or smaller.",
        id="logo-1mb-plus-1",
    ),
    pytest.param(
        "lobby_image",
        upload("photo.png", image_bytes("PNG").ljust(5 * MB + 1, b"\0")),
        "The lobby image must be 5 MB or smaller.",
        id="lobby-image-5mb-plus-1",
    ),
    pytest.param(
        "logo",
        upload("logo.png", image_bytes("PNG", (200, 200))[:-60]),
        "This image is damaged or incomplete.",
        id="truncated-png",
    ),
    pytest.param(
        "background",
        upload("bg.jpg", image_bytes("JPEG", (300, 200))[:400], "image/jpeg"),
        "This image is damaged or incomplete.",
        id="truncated-jpeg",
    ),
]


@pytest.mark.parametrize(("field", "bad", "message"), BAD_UPLOADS)
def test_a_bad_upload_gives_its_message_and_changes_nothing(
    client, alice, alices_room, media, field, bad, message
):
    client.force_login(alice)
    before = Room.objects.filter(pk=alices_room.pk).values().get()
    good = upload("ok.png", image_bytes("PNG"))
    other = "logo" if field != "logo" else "background"
    data = post_data(theme="sunset", lobby_title="Changed", **{field: bad, other: good})
    response = client.post(url(alices_room), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert "Nothing was saved." in html
    assert Room.objects.filter(pk=alices_room.pk).values().get() == before
    assert stored_files(media) == set()
    assert not Activity.objects.filter(kind=Activity.Kind.CUSTOMIZED).exists()


def test_a_replaced_image_leaves_storage(
    client, alice, alices_room, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room), post_data(logo=upload("a.png", image_bytes())))
    alices_room.refresh_from_db()
    first = alices_room.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room), post_data(logo=upload("b.jpg", image_bytes("JPEG"), "")))
    alices_room.refresh_from_db()
    assert alices_room.logo.name != first
    assert stored_files(media) == {alices_room.logo.name}


def test_remove_clears_the_image_and_its_file(
    client, alice, alices_room, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room), post_data(background=upload("a.png", image_bytes())))
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(alices_room), post_data(remove_background="on"))
    alices_room.refresh_from_db()
    assert not alices_room.background
    assert stored_files(media) == set()


def test_an_image_is_kept_when_nothing_is_chosen(client, alice, alices_room, media):
    client.force_login(alice)
    client.post(url(alices_room), post_data(logo=upload("a.png", image_bytes())))
    alices_room.refresh_from_db()
    logo = alices_room.logo.name
    client.post(url(alices_room), post_data(lobby_title="Only the title"))
    alices_room.refresh_from_db()
    assert alices_room.logo.name == logo


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,hi", "ftp://example.com/x"],
)
def test_it_refuses_a_link_that_is_not_http(client, alice, alices_room, address):
    client.force_login(alice)
    data = post_data(**link_rows(("Click me", address)))
    response = client.post(url(alices_room), data)
    assert response.status_code == 422
    assert "Use an address that starts with http:// or https://." in response.content.decode()
    alices_room.refresh_from_db()
    assert alices_room.lobby_links == []


def test_a_label_needs_an_address_and_an_address_a_label(client, alice, alices_room):
    client.force_login(alice)
    data = post_data(**link_rows(("Agenda", ""), ("", ""), ("", "https://example.com")))
    response = client.post(url(alices_room), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Add the address this link opens." in html
    assert "Give this link a label." in html


def test_a_sixth_link_cannot_be_added(client, alice, alices_room):
    client.force_login(alice)
    rows = [(f"Link {row}", f"https://example.com/{row}") for row in range(6)]
    response = client.post(url(alices_room), post_data(**link_rows(*rows, total=6)))
    assert response.status_code == 422
    assert "A lobby has at most 5 links." in response.content.decode()
    alices_room.refresh_from_db()
    assert alices_room.lobby_links == []
    with pytest.raises(ValueError):
        alices_room.customize(
            by=alices_room.owner, lobby_links=[{"label": "x", "url": "https://x.org"}] * 6
        )


def test_a_message_over_1000_characters_is_refused(client, alice, alices_room):
    client.force_login(alice)
    response = client.post(url(alices_room), post_data(lobby_message="x" * 1001))
    assert response.status_code == 422
    assert "Keep the message to 1,000 characters or fewer." in response.content.decode()
    # Line breaks count once, as the browser counts them.
    response = client.post(url(alices_room), post_data(lobby_message="x\r\n" * 333 + "x"))
    assert response.status_code == 302


def test_html_in_title_and_message_is_shown_as_text_in_the_lobby(client, alice, alices_room):
    client.force_login(alice)
    client.post(
        url(alices_room),
        post_data(lobby_title="<b>Bold</b>", lobby_message="<script>alert(1)</script>\nbye"),
    )
    html = client.get(alices_room.participant_path).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>bye" in html
    assert "<script>alert(1)" not in html


def test_the_custom_lobby_shows_its_image_and_links(client, alice, alices_room):
    client.force_login(alice)
    data = post_data(
        lobby_layout="custom",
        lobby_image=upload("p.png", image_bytes()),
        **link_rows(("Agenda", "https://example.com/agenda")),
    )
    client.post(url(alices_room), data)
    alices_room.refresh_from_db()
    html = client.get(alices_room.participant_path).content.decode()
    assert alices_room.lobby_image.url in html
    assert (
        '<a href="https://example.com/agenda" target="_blank" rel="noopener noreferrer">Agenda</a>'
        in html
    )


def test_the_simple_lobby_leaves_out_image_and_links(client, alice, alices_room):
    client.force_login(alice)
    data = post_data(
        lobby_layout="simple",
        lobby_image=upload("p.png", image_bytes()),
        **link_rows(("Agenda", "https://example.com/agenda")),
    )
    assert client.post(url(alices_room), data).status_code == 302
    alices_room.refresh_from_db()
    assert alices_room.lobby_links == [{"label": "Agenda", "url": "https://example.com/agenda"}]
    response = client.get(alices_room.participant_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_html('<h1 class="lobby-heading" id="lobby-title">Standup</h1>', html)  # the lobby
    assert alices_room.lobby_image.url not in html
    assert "https://example.com/agenda" not in html


def test_the_lobby_uses_the_button_colour_with_readable_text(client, alice, alices_room):
    client.force_login(alice)
    client.post(url(alices_room), post_data(button_color="#ffe066"))
    html = client.get(alices_room.participant_path).content.decode()
    assert "--accent: #ffe066;" in html
    assert "--accent-text: #111111;" in html


def test_the_dashboard_tile_links_to_customize(client, alice, alices_room):
    client.force_login(alice)
    html = client.get("/").content.decode()
    link = element(html, "a", href=f"/rooms/{alices_room.code}/customize/")
    assert text(link) == "Customize"


def test_a_failed_save_removes_the_files_it_wrote(alice, alices_room, media):
    with pytest.raises(IntegrityError):
        alices_room.customize(by=alice, logo=upload("a.png", image_bytes()), theme=None)
    assert stored_files(media) == set()
    assert alices_room.theme == "ocean"
    assert not alices_room.logo
