import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from accounts.models import User
from tests.conftest import PASSWORD


def fail_login(client) -> int:
    return client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "wrong"}
    ).status_code


def test_it_answers_429_after_too_many_failed_attempts(client, alice, settings):
    settings.LOGIN_LIMIT = (3, 300)
    assert [fail_login(client) for _ in range(3)] == [422, 422, 422]
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert response.headers["Retry-After"] == "300"
    # The page itself still shows, so a person can read it.
    assert client.get("/accounts/login/").status_code == 200


def test_it_counts_per_client_address(client, alice, settings):
    settings.LOGIN_LIMIT = (2, 300)
    for _ in range(2):
        fail_login(client)
    response = client.post(
        "/accounts/login/",
        {"username": "alice@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302


def test_successful_logins_do_not_count(client, alice, settings):
    settings.LOGIN_LIMIT = (2, 300)
    for _ in range(3):
        response = client.post(
            "/accounts/login/", {"username": "alice@example.com", "password": PASSWORD}
        )
        assert response.status_code == 302
        client.logout()


# Every log-in form spends the one budget of the address: the admin's form too.
LOGIN_FORMS = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser(
        email="root@example.com", password=PASSWORD, display_name="Root"
    )


def attempt(client, path: str, password: str = "wrong") -> int:
    credentials = {"username": "root@example.com", "password": password}
    return client.post(path, credentials).status_code


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_each_login_form_refuses_the_right_password_past_the_limit(client, root, path):
    limit, window = settings.LOGIN_LIMIT
    failed = 422 if path.startswith("/accounts/") else 200  # the admin's own form says 200
    assert [attempt(client, path) for _ in range(limit)] == [failed] * limit
    response = client.post(path, {"username": "root@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert response.headers["Retry-After"] == str(window)
    assert SESSION_KEY not in client.session
    assert [attempt(client, path) for _ in range(3)] == [429] * 3
    assert client.get("/admin/").status_code == 302  # still not let in


def test_the_admin_lets_the_right_password_in_under_the_limit(client, root):
    assert attempt(client, "/admin/login/") == 200
    assert attempt(client, "/admin/login/", PASSWORD) == 302
    assert client.get("/admin/").status_code == 200


def test_both_forms_share_one_budget(client, root):
    limit, _ = settings.LOGIN_LIMIT
    for n in range(limit):
        attempt(client, LOGIN_FORMS[n % 2])
    assert attempt(client, "/accounts/login/", PASSWORD) == 429
    assert attempt(client, "/admin/login/", PASSWORD) == 429


def test_a_signed_in_person_is_counted_by_address_at_the_admin_form(client, alice, root):
    """Signed in, alice has a budget of her own elsewhere; guessing the admin's password, she
    shares her address's: accounts of her own would otherwise each bring fresh tries."""
    limit, _ = settings.LOGIN_LIMIT
    for _ in range(limit):
        attempt(client, "/accounts/login/")
    client.force_login(alice)
    assert attempt(client, "/admin/login/", PASSWORD) == 429


def test_the_right_password_at_the_admin_gives_its_try_back(client, root):
    limit, _ = settings.LOGIN_LIMIT
    for _ in range(limit - 1):
        attempt(client, "/admin/login/")
    for _ in range(3):
        assert attempt(client, "/admin/login/", PASSWORD) == 302
        client.logout()
    assert attempt(client, "/admin/login/") == 200
    assert attempt(client, "/admin/login/") == 429
