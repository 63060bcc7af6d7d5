"""RoomAccess: who someone is in a room, from the session and the database, each fact once."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from rooms.access import ANONYMOUS_HOST, Link, Member, RoomAccess
from rooms.models import Actor, JoinRequest, Room


def new_session():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def by_link(room: Room, secret: str, session=None, user=None) -> RoomAccess | None:
    session = new_session() if session is None else session
    return RoomAccess.by_link(session, user or AnonymousUser(), room.slug, secret)


def test_it_tells_which_link_opened_the_room(alices_room):
    assert by_link(alices_room, alices_room.participant_secret).link == Link.PARTICIPANT
    assert by_link(alices_room, alices_room.host_secret).link == Link.HOST


@pytest.mark.parametrize("miss", ["wrong secret", "wrong slug", "another room's secret"])
def test_a_wrong_link_finds_nothing(alices_room, bobs_room, miss):
    slug, secret = {
        "wrong secret": (alices_room.slug, "x" * len(alices_room.participant_secret)),
        "wrong slug": ("retro", alices_room.participant_secret),
        "another room's secret": (alices_room.slug, bobs_room.participant_secret),
    }[miss]
    assert RoomAccess.by_link(new_session(), AnonymousUser(), slug, secret) is None


def test_the_participant_link_never_hosts(alices_room):
    access = by_link(alices_room, alices_room.participant_secret)
    access.remember_host_link()
    assert access.is_host is False
    assert access.enters_at_once is False  # The room is locked: a guest asks.


def test_the_host_link_hosts_once_remembered_and_new_links_end_it(alice, alices_room):
    session = new_session()
    access = by_link(alices_room, alices_room.host_secret, session)
    assert access.is_host is False  # The link alone is not remembered yet.
    access.remember_host_link()
    assert access.is_host is True
    assert by_link(alices_room, alices_room.participant_secret, session).is_host is True

    alices_room.regenerate_links(by=alice)
    again = access.reloaded()
    assert (again.link, again.is_host) == (None, False)


def test_the_owner_hosts_by_account_on_either_link(alice, alices_room):
    for secret in (alices_room.participant_secret, alices_room.host_secret):
        access = by_link(alices_room, secret, user=alice)
        assert (access.is_owner, access.is_host) == (True, True)
        assert access.member == Member("Alice", is_host=True)


def test_a_stranger_signed_in_is_a_participant(charlie, alices_room):
    access = by_link(alices_room, alices_room.participant_secret, user=charlie)
    assert (access.is_owner, access.is_host, access.member) == (False, False, None)


def test_a_guest_is_a_member_once_allowed_and_leaving_ends_it(alice, alices_room):
    session = new_session()
    access = by_link(alices_room, alices_room.participant_secret, session)
    assert access.ask("Dana").status == JoinRequest.Status.PENDING
    assert access.member is None
    access.join_request.allow(by=Actor.account(alice))

    again = by_link(alices_room, alices_room.participant_secret, session)
    assert again.request_allowed is True
    assert again.member == Member("Dana", is_host=False)
    again.leave()
    assert again.member is None
    assert by_link(alices_room, alices_room.participant_secret, session).member is None


def test_admitting_lets_in_under_the_name_given(bobs_room):
    access = by_link(bobs_room, bobs_room.participant_secret)
    assert access.enters_at_once is True  # Unlocked.
    access.admit("Dana")
    assert access.member == Member("Dana", is_host=False)


def test_the_actor_is_the_account_and_the_name_entered_under(alice, alices_room):
    session = new_session()
    owner = by_link(alices_room, alices_room.host_secret, session, user=alice)
    assert owner.actor == Actor(alice, "Alice")
    owner.admit("Alice (host)")
    assert owner.actor == Actor(alice, "Alice (host)")


def test_an_anonymous_host_is_named_by_the_name_they_entered_under(alices_room):
    host = by_link(alices_room, alices_room.host_secret)
    host.remember_host_link()
    assert host.actor == Actor(None, ANONYMOUS_HOST)  # Deciding before entering the room.
    host.admit("Hana")
    assert host.actor == Actor(None, "Hana")


def test_each_fact_is_worked_out_once(alices_room, django_assert_num_queries):
    session = new_session()
    by_link(alices_room, alices_room.participant_secret, session).ask("Dana")
    access = by_link(alices_room, alices_room.participant_secret, session)
    with django_assert_num_queries(1):  # The guest's own request, asked for three ways.
        assert access.join_request.display_name == "Dana"
        assert access.member is None
        assert access.actor == Actor(None, ANONYMOUS_HOST)
        assert access.request_allowed is False


def test_a_socket_decides_by_the_same_rules_as_the_page(alices_room):
    session = new_session()
    page = by_link(alices_room, alices_room.host_secret, session)
    page.remember_host_link()
    page.admit("Hana")
    kwargs = {"slug": alices_room.slug, "secret": alices_room.host_secret}
    scope = {"session": session, "user": AnonymousUser(), "url_route": {"kwargs": kwargs}}
    socket = RoomAccess.from_scope(scope)
    assert (socket.is_host, socket.member) == (True, Member("Hana", is_host=True))


def test_reloading_a_deleted_room_finds_nothing(alice, alices_room):
    access = by_link(alices_room, alices_room.participant_secret)
    Room.objects.filter(pk=alices_room.pk).delete()
    assert access.reloaded() is None
