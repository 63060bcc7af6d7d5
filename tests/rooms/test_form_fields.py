"""Every form's fields as Django renders them: the length the model allows, and on a refusal
aria-invalid with aria-describedby naming the element that says why."""

import pytest
from django.test.html import Element, parse_html

from rooms.models import JoinRequest, Room
from tests.helpers import HTMX, element, elements, link_rows, text


def attributes(node: Element) -> dict[str, str | None]:
    return dict(node.attributes)


def by_id(html: str, wanted: str) -> Element:
    found = []

    def walk(node: Element) -> None:
        if ("id", wanted) in node.attributes:
            found.append(node)
        for child in node.children:
            if isinstance(child, Element):
                walk(child)

    walk(parse_html(html))
    assert len(found) == 1, f"{len(found)} elements with id {wanted!r}"
    return found[0]


def described_by(html: str, field: Element) -> str:
    """The text of every element the field's aria-describedby names (each must be there)."""
    ids = attributes(field)["aria-describedby"].split()
    return " ".join(text(by_id(html, i)) for i in ids)


def assert_refused(html: str, field: Element, message: str) -> None:
    assert attributes(field)["aria-invalid"] == "true"
    assert message in described_by(html, field)


def test_new_room_takes_the_models_length_and_says_what_is_wrong(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    name = element(html, "input", name="name", id="id_name")
    assert attributes(name)["maxlength"] == str(Room._meta.get_field("name").max_length)
    assert "aria-invalid" not in attributes(name)
    theme = element(html, "select", name="theme")
    assert [attributes(o)["value"] for o in elements(theme, "option")] == [
        key for key, _ in Room._meta.get_field("theme").choices
    ]

    html = client.post("/rooms/new/", {"name": " ", "theme": "ocean", "locked": "1"}).content
    html = html.decode()
    assert_refused(html, element(html, "input", name="name", id="id_name"), "Give the room a name.")


def test_rename_takes_the_models_length_and_says_what_is_wrong(client, alice, alices_room):
    client.force_login(alice)
    tile = client.get("/").content.decode()
    name = element(tile, "input", id=f"rename-input-{alices_room.code}")
    assert (attributes(name)["name"], attributes(name)["maxlength"]) == ("name", "80")
    assert "aria-invalid" not in attributes(name)

    response = client.post(f"/rooms/{alices_room.code}/rename/", {"name": "x" * 81}, **HTMX)
    html = response.content.decode()
    name = element(html, "input", id=f"rename-input-{alices_room.code}")
    assert_refused(html, name, "Keep the name to 80 characters or fewer.")
    assert attributes(name)["value"] == "x" * 81  # What was typed stays to be fixed.


def test_duplicate_takes_the_models_length_and_says_what_is_wrong(client, alice, alices_room):
    client.force_login(alice)
    url = f"/rooms/{alices_room.code}/duplicate/"
    html = client.get(url, **HTMX).content.decode()
    name = element(html, "input", id="duplicate-name")
    assert (attributes(name)["maxlength"], attributes(name)["value"]) == ("80", "Standup (copy)")
    lobby = element(html, "input", id="duplicate-lobby", type="checkbox")
    assert "checked" in attributes(lobby)
    assert described_by(html, lobby) == "Title, welcome message, layout, image and links."

    html = client.post(url, {"name": ""}, **HTMX).content.decode()
    assert_refused(html, element(html, "input", id="duplicate-name"), "Give the room a name.")


def test_the_lobby_takes_the_join_requests_length_and_says_what_is_wrong(client, bobs_room):
    html = client.get(bobs_room.participant_path).content.decode()
    name = element(html, "input", name="display_name")
    limit = JoinRequest._meta.get_field("display_name").max_length
    assert (attributes(name)["maxlength"], attributes(name)["autocomplete"]) == (str(limit), "name")

    response = client.post(f"{bobs_room.participant_path}join/", {"display_name": ""}, **HTMX)
    html = response.content.decode()
    name = element(html, "input", name="display_name")
    assert_refused(html, name, "Enter the name others will see.")


def customize_page(client, room: Room, data: dict | None = None) -> str:
    url = f"/rooms/{room.code}/customize/"
    response = client.post(url, data) if data is not None else client.get(url)
    return response.content.decode()


def customize_data(**fields: object) -> dict[str, object]:
    return {"theme": "ocean", "button_color": "", "lobby_layout": "custom", **fields}


def test_customize_takes_the_models_lengths_and_choices(client, alice, alices_room):
    client.force_login(alice)
    html = customize_page(client, alices_room)
    for name, tag, limit in [
        ("button_color", "input", "7"),
        ("lobby_title", "input", "80"),
        ("lobby_message", "textarea", "1000"),
        ("links-0-label", "input", "40"),
        ("links-4-url", "input", "500"),
    ]:
        assert attributes(element(html, tag, name=name))["maxlength"] == limit, name
    themes = [attributes(r)["value"] for r in elements(html, "input", type="radio", name="theme")]
    assert themes == [key for key, _ in Room._meta.get_field("theme").choices]
    layouts = elements(html, "input", type="radio", name="lobby_layout")
    assert [attributes(r)["value"] for r in layouts] == list(Room.Layout.values)
    assert described_by(html, layouts[1]) == "Also the lobby image and your links."
    title = element(html, "input", name="lobby_title")
    assert described_by(html, title) == "Leave it empty to show the room's name."


def test_customize_marks_each_refused_field(client, alice, alices_room):
    client.force_login(alice)
    data = customize_data(button_color="red", lobby_title="x" * 81, **link_rows())
    html = customize_page(client, alices_room, data)
    colour = element(html, "input", name="button_color")
    assert_refused(html, colour, "Use a colour like #1f7ae0, or leave it empty.")
    assert "A hex colour such as #1f7ae0." in described_by(html, colour)  # and its help
    title = element(html, "input", name="lobby_title")
    assert_refused(html, title, "Keep the title to 80 characters or fewer.")
    assert "aria-invalid" not in attributes(element(html, "textarea", name="lobby_message"))


ROWS = [
    ("Agenda", "https://example.com/agenda"),
    ("Notes", "javascript:alert(1)"),
    ("Only a label", ""),
    ("", "https://example.com/no-label"),
    ("Slides", "https://example.com/slides"),
]


def typed_rows(html: str) -> list[tuple[str, str]]:
    """Each link row's label and address as the page shows them again."""
    return [
        (
            attributes(element(html, "input", name=f"links-{row}-label")).get("value") or "",
            attributes(element(html, "input", name=f"links-{row}-url")).get("value") or "",
        )
        for row in range(5)
    ]


def test_bad_link_rows_are_refused_each_with_its_message_and_nothing_typed_is_lost(
    client, alice, alices_room
):
    client.force_login(alice)
    data = customize_data(lobby_title="Kept too", **link_rows(*ROWS))
    response = client.post(f"/rooms/{alices_room.code}/customize/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert typed_rows(html) == ROWS
    assert attributes(element(html, "input", name="lobby_title"))["value"] == "Kept too"
    assert "aria-invalid" not in attributes(element(html, "input", name="links-0-url"))
    for name, message in [
        ("links-1-url", "Use an address that starts with http:// or https://."),
        ("links-2-url", "Add the address this link opens."),
        ("links-3-label", "Give this link a label."),
    ]:
        assert_refused(html, element(html, "input", name=name), message)
    alices_room.refresh_from_db()
    assert (alices_room.lobby_title, alices_room.lobby_links) == ("", [])


def test_a_sixth_link_is_refused_with_a_clear_message_and_the_five_rows_kept(
    client, alice, alices_room
):
    client.force_login(alice)
    rows = [(f"Link {row}", f"https://example.com/{row}") for row in range(6)]
    response = client.post(
        f"/rooms/{alices_room.code}/customize/", customize_data(**link_rows(*rows, total=6))
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert text(element(html, "div", id="links-error")) == "A lobby has at most 5 links."
    assert typed_rows(html) == rows[:5]
    assert elements(html, "input", name="links-5-label") == []
    alices_room.refresh_from_db()
    assert alices_room.lobby_links == []


def test_the_link_rows_show_the_rooms_links_then_empty_rows(client, alice, alices_room):
    links = [{"label": "Agenda", "url": "https://example.com/agenda"}]
    Room.objects.filter(pk=alices_room.pk).update(lobby_links=links)
    client.force_login(alice)
    html = customize_page(client, alices_room)
    assert typed_rows(html) == [("Agenda", "https://example.com/agenda")] + [("", "")] * 4
    assert attributes(element(html, "input", name="links-TOTAL_FORMS"))["value"] == "5"
    assert attributes(element(html, "input", name="links-MAX_NUM_FORMS"))["value"] == "5"


def test_a_post_without_the_link_rows_changes_nothing(client, alice, alices_room):
    links = [{"label": "Agenda", "url": "https://example.com/agenda"}]
    Room.objects.filter(pk=alices_room.pk).update(lobby_links=links)
    client.force_login(alice)
    response = client.post(f"/rooms/{alices_room.code}/customize/", customize_data())
    assert response.status_code == 422
    assert "Nothing was saved." in response.content.decode()
    alices_room.refresh_from_db()
    assert alices_room.lobby_links == links


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/accounts/signup/", ["email", "display_name", "password1", "password2"]),
        ("/accounts/login/", ["username", "password"]),
    ],
)
def test_account_forms_say_what_is_wrong_beside_each_field(client, db, path, fields):
    html = client.post(path, dict.fromkeys(fields, "")).content.decode()
    for name in fields:
        assert_refused(html, element(html, "input", name=name), "This field is required.")
