"""Parts the dashboard and the room page share come from one template each: the Privacy switch
and the room links with their Copy buttons; and the theme colours are written once."""

import re
from pathlib import Path

from django.conf import settings

from rooms.models import THEMES, Room
from tests.helpers import assert_in_html, element, elements


def switch(room: Room) -> str:
    code, state = room.code, "Locked" if room.locked else "Unlocked"
    return (
        f'<button type="submit" class="switch" role="switch" id="privacy-{code}"'
        f' aria-checked="{"true" if room.locked else "false"}"'
        f' aria-labelledby="privacy-label-{code}" aria-describedby="privacy-state-{code}">'
        f'<span class="switch-state" id="privacy-state-{code}">{state}</span>'
        '<span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>'
        "</button>"
    )


def link_field(room: Room, kind: str, url: str, copy: bool = True) -> str:
    label = f"{kind.capitalize()} link"
    button = (
        '<button type="button" class="button button-secondary button-small copy-button js-only"'
        f' data-copy="{kind}-link-{room.code}" data-copied="Copied {kind} link"'
        f' aria-label="Copy {kind} link"><svg class="icon" aria-hidden="true" focusable="false"'
        ' width="18" height="18"><use href="#icon-copy"></use></svg>'
        '<span class="copy-text">Copy</span></button>'
    )
    return (
        f'<div class="link-field"><label for="{kind}-link-{room.code}">{label}</label>'
        f'<div class="copy-row"><input type="text" class="link-text" id="{kind}-link-{room.code}"'
        f' value="{url}" readonly>{button if copy else ""}</div></div>'
    )


def dashboard(client) -> str:
    return client.get("/").content.decode()


def host_panel(client, room: Room) -> str:
    response = client.get(f"/rooms/{room.code}/join/", follow=True)
    assert response.resolver_match.url_name == "room"
    return response.content.decode()


def test_the_tile_and_the_host_panel_have_the_same_privacy_switch(client, alice, alices_room):
    client.force_login(alice)
    tile, panel = dashboard(client), host_panel(client, alices_room)
    for html in (tile, panel):
        assert_in_html(switch(alices_room), html, count=1)
    # Each posts to its own view and answers with the part it sits in.
    tile_form = element(tile, "form", class_="privacy")
    assert (dict(tile_form.attributes)["hx-post"], dict(tile_form.attributes)["hx-target"]) == (
        f"/rooms/{alices_room.code}/privacy/",
        f"#room-{alices_room.code}",
    )
    panel_form = element(panel, "form", class_="privacy")
    assert (dict(panel_form.attributes)["hx-post"], dict(panel_form.attributes)["hx-target"]) == (
        f"/rooms/{alices_room.code}/host/privacy/",
        "#host-panel",
    )
    assert element(panel_form, "input", type="hidden", name="locked", value="0")


def test_the_switch_shows_unlocked_in_both_places(client, alice, bob, bobs_room):
    client.force_login(bob)
    for html in (dashboard(client), host_panel(client, bobs_room)):
        assert_in_html(switch(bobs_room), html, count=1)


def test_the_tile_and_the_host_panel_have_the_same_links_and_copy_buttons(
    client, alice, alices_room
):
    client.force_login(alice)
    tile, panel = dashboard(client), host_panel(client, alices_room)
    # The tile's Copy participant link sits up front, beside Join; its link in the tile's menu.
    assert_in_html(
        link_field(alices_room, "participant", alices_room.participant_url, copy=False), tile
    )
    assert_in_html(link_field(alices_room, "participant", alices_room.participant_url), panel)
    for html in (tile, panel):
        assert_in_html(link_field(alices_room, "host", alices_room.host_url), html)
        copy_buttons = [b for b in elements(html, "button") if "data-copy" in dict(b.attributes)]
        assert sorted(dict(b.attributes)["data-copy"] for b in copy_buttons) == [
            f"host-link-{alices_room.code}",
            f"participant-link-{alices_room.code}",
        ]


def test_every_page_has_one_toast_region_and_no_other(client, alice, alices_room):
    client.force_login(alice)
    for html in (dashboard(client), host_panel(client, alices_room)):
        assert len(elements(html, "div", id="toasts", role="status")) == 1
        assert 'id="dashboard-toast"' not in html


def test_each_theme_colour_is_written_once_and_reaches_every_page(client, alice, alices_room):
    css = "\n".join(
        p.read_text() for p in (Path(settings.BASE_DIR) / "static" / "css").glob("*.css")
    )
    for key, theme in THEMES.items():
        assert f".theme-{key}" not in css, key
        for colour in {theme.background, theme.highlight}:
            assert colour.lower() not in css.lower(), (key, colour)
    client.force_login(alice)
    html = dashboard(client)
    for key, theme in THEMES.items():
        rule = re.search(rf"\.theme-{key} {{([^}}]*)}}", html)
        assert rule, key
        assert f"--theme-background: {theme.background};" in rule[1]
        assert f"--theme-highlight: {theme.highlight};" in rule[1]
        assert f"--theme-accent: {theme.accent};" in rule[1]
    # The tiles' gradient is drawn from those variables.
    assert "linear-gradient(135deg, var(--theme-background), var(--theme-highlight))" in css
