import pytest

from accounts.models import User
from tests.helpers import elements


@pytest.fixture
def admin_client(client, db):
    staff = User.objects.create_superuser(
        email="root@example.com", password="x-admin-pass-1", display_name="Root"
    )
    client.force_login(staff)
    return client


def test_admins_search_rooms_by_name_and_owner_email(admin_client, alices_room, bobs_room):
    html = admin_client.get("/admin/rooms/room/?q=bob@example").content.decode()
    assert "Bob&#x27;s office hours" in html
    assert "Standup" not in html
    html = admin_client.get("/admin/rooms/room/?q=standup").content.decode()
    assert "Standup" in html


def test_admins_filter_rooms_by_locked(admin_client, alices_room, bobs_room):
    html = admin_client.get("/admin/rooms/room/?locked__exact=0").content.decode()
    assert "Bob&#x27;s office hours" in html
    assert "Standup" not in html


def test_admin_never_shows_link_secrets(admin_client, alices_room):
    response = admin_client.get(f"/admin/rooms/room/{alices_room.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert elements(html, "input", name="name", value="Standup")  # the room's change form
    assert alices_room.participant_secret not in html
    assert alices_room.host_secret not in html


@pytest.mark.parametrize(
    "path", ["/admin/accounts/user/", "/admin/rooms/activity/", "/admin/rooms/joinrequest/"]
)
def test_admin_pages_open_for_staff(admin_client, alices_room, path):
    assert admin_client.get(path).status_code == 200


def test_an_owner_who_is_not_staff_is_refused(client, alice):
    client.force_login(alice)
    response = client.get("/admin/rooms/room/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
