"""A room's link secrets reach only its owner (and each link only who holds it): no page a
stranger, an anonymous visitor or a participant can open carries the host secret, and the
participant secret never opens the room as host. Lookups go by digest, never by the secret."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rooms.models import IMAGE_FIELDS, Activity, Room, digest
from tests.rooms.images import give_images
from tests.test_authorization_matrix import MATRIX, become

STRANGERS = ("anonymous", "stranger", "participant")


def room_secrets(room: Room) -> dict[str, str]:
    return {
        "host secret": room.host_secret,
        "host digest": room.host_digest,
        "participant secret": room.participant_secret,
        "participant digest": room.participant_digest,
    }


def assert_no_secrets(response, room: Room, where: str, *, allowed: tuple[str, ...] = ()) -> None:
    text = response.content.decode(errors="replace") + str(response.headers)
    for name, value in room_secrets(room).items():
        if name not in allowed:
            assert value not in text, f"the {name} leaks to {where}"


@pytest.mark.parametrize("role", STRANGERS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_url_gives_the_secrets_to_anyone_but_the_owner(client, alices_room, charlie, name, role):
    row = MATRIX[name]
    become(role, client, alices_room, charlie)
    send = client.get if row.method == "GET" else client.post
    path = row.path(alices_room)
    response = send(path, row.data or {})
    # Whoever opened the participant link holds it already; the host link is never theirs.
    holds_link = role == "participant" or alices_room.participant_secret in path
    allowed = ("participant secret", "participant digest") if holds_link else ()
    assert_no_secrets(response, alices_room, f"{role} at {name}", allowed=allowed)
    alices_room.refresh_from_db()
    assert_no_secrets(response, alices_room, f"{role} at {name}", allowed=allowed)


def test_another_owners_dashboard_shows_only_their_own_links(client, bob, alices_room, bobs_room):
    client.force_login(bob)
    response = client.get("/")
    assert bobs_room.host_url in response.content.decode()
    assert_no_secrets(response, alices_room, "bob's dashboard")


@pytest.mark.parametrize(
    "path",
    [
        lambda room: f"/r/{room.slug}/{room.participant_secret}x/",  # one character off
        lambda room: f"/r/other-room/{room.participant_secret}/",  # the right secret, wrong slug
        lambda room: f"/r/other-room/{room.host_secret}/",
        lambda room: f"/rooms/{room.code}/customize/",
        lambda room: f"/rooms/{room.code}/activity/",
        lambda room: f"/no/such/page/{room.host_secret}/",
    ],
    ids=["near-miss", "participant-wrong-slug", "host-wrong-slug", "customize", "activity", "any"],
)
def test_a_404_never_echoes_a_secret(client, charlie, alices_room, path):
    client.force_login(charlie)
    response = client.get(path(alices_room))
    assert response.status_code == 404
    assert_no_secrets(response, alices_room, "a 404 page")


def test_the_participant_link_opens_the_lobby_as_participant_only(client, alices_room):
    response = client.get(alices_room.participant_path)
    html = response.content.decode()
    assert response.context["is_host"] is False
    # alices_room is locked: a participant asks to join, a host would walk in.
    assert "This room is locked: the host lets you in." in html
    assert "Ask to join" in html
    assert "joining as a host" not in html
    assert alices_room.host_path not in html
    assert_no_secrets(
        response, alices_room, "the participant lobby", allowed=("participant secret",)
    )


def test_the_host_link_opens_the_lobby_as_host(client, alices_room):
    response = client.get(alices_room.host_path)
    assert response.context["is_host"] is True
    assert "You are joining as a host." in response.content.decode()


def test_having_opened_the_participant_link_gives_no_host_rights_anywhere(client, alices_room):
    client.get(alices_room.participant_path)
    # Neither the session nor another room's slug turns the participant secret into a host one.
    again = client.get(alices_room.participant_path)
    assert again.context["is_host"] is False
    other = Room.create(alices_room.owner, name="Other")
    assert client.get(f"/r/{other.slug}/{alices_room.participant_secret}/").status_code == 404
    assert client.get(f"/r/{other.slug}/{alices_room.host_secret}/").status_code == 404


def test_each_link_finds_its_own_room_by_digest_alone(client, alice, bob):
    rooms = [Room.create(alice, name="Same name"), Room.create(bob, name="Same name")]
    assert rooms[0].slug == rooms[1].slug  # Only the secret tells them apart.
    for room in rooms:
        for secret, is_host in ((room.participant_secret, False), (room.host_secret, True)):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/r/{room.slug}/{secret}/")
            assert response.context["room"] == room
            assert response.context["is_host"] is is_host
            sql = " ".join(query["sql"] for query in queries.captured_queries)
            # The database is asked for the digest; the secret itself never goes into a query,
            # so no index lookup can be timed against it.
            assert digest(secret) in sql
            assert secret not in sql


def test_secrets_are_not_stored_in_the_activity_log(client, alice, alices_room):
    client.force_login(alice)
    old = room_secrets(alices_room)
    assert client.post(f"/rooms/{alices_room.code}/links/regenerate/").status_code == 302
    alices_room.refresh_from_db()
    assert room_secrets(alices_room)["host secret"] != old["host secret"]
    assert Activity.objects.filter(kind=Activity.Kind.LINKS, room=alices_room).exists()
    logged = " ".join(f"{a.room_name} {a.detail} {a.actor_name}" for a in Activity.objects.all())
    for value in [*old.values(), *room_secrets(alices_room).values()]:
        assert value not in logged


def test_lobby_links_do_not_send_the_secret_as_a_referrer(client, alice, alices_room):
    alices_room.customize(
        by=alice,
        lobby_layout="custom",
        lobby_links=[{"label": "Agenda", "url": "https://example.com/agenda"}],
    )
    response = Client().get(alices_room.participant_path)
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert 'rel="noopener noreferrer"' in response.content.decode()


def test_uploaded_files_have_unguessable_names(client, alice, alices_room, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    give_images(alices_room)
    names = [getattr(alices_room, field).name for field in IMAGE_FIELDS]
    for name in names:
        token = name.removeprefix("rooms/").rsplit(".", 1)[0]
        assert len(token) * 6 >= 128  # secrets.token_urlsafe(16): 128 bits, 6 per character
        assert alices_room.slug not in name
        assert str(alices_room.code) not in name
    assert len(set(names)) == 3
