from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

from accounts.models import User
from tests.conftest import PASSWORD, REAL_PASSWORD_HASHERS


def test_it_creates_an_account_and_signs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Dora@Example.com",
            "display_name": "  Dora  ",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == "/"
    user = User.objects.get()
    assert user.email == "dora@example.com"
    assert user.display_name == "Dora"
    assert client.get("/").context["user"] == user


def test_it_stores_the_password_with_the_slow_salted_hasher(client, db, settings):
    settings.PASSWORD_HASHERS = REAL_PASSWORD_HASHERS  # the suite's fast one aside
    data = {"email": "dora@example.com", "display_name": "Dora"}
    response = client.post(
        "/accounts/signup/", {**data, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    stored = User.objects.get().password
    assert PASSWORD not in stored
    assert identify_hasher(stored).algorithm == "pbkdf2_sha256"
    assert int(stored.split("$")[1]) == PBKDF2PasswordHasher.iterations >= 1_000_000
    assert User.objects.get().check_password(PASSWORD)


def test_it_shows_the_plain_labels(client, db):
    html = client.get("/accounts/signup/").content.decode()
    for label in ("Email", "Display name", "Password"):
        assert f">{label}</label>" in html


def test_it_refuses_an_email_already_taken_whatever_its_case(client, alice):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ALICE@example.com",
            "display_name": "Alice again",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_refuses_mismatched_passwords_and_keeps_the_input(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "dora@example.com",
            "display_name": "Dora",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    html = response.content.decode()
    assert "The two password fields didn" in html
    assert 'value="dora@example.com"' in html
    assert not User.objects.exists()


def test_it_refuses_a_blank_display_name(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "d@example.com",
            "display_name": "   ",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert not User.objects.exists()


def test_it_sends_a_signed_in_user_to_the_dashboard(client, alice):
    client.force_login(alice)
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response.url == "/"
