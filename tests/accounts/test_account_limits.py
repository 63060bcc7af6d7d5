"""Sign-up and password reset are limited per client address, like log-in."""

from django.core import mail

from accounts.models import User
from tests.conftest import PASSWORD


def sign_up(client, n: int) -> int:
    data = {
        "email": f"guest{n}@example.com",
        "display_name": f"Guest {n}",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = client.post("/accounts/signup/", data)
    client.logout()
    return response.status_code


def test_sign_ups_from_one_address_meet_a_429(client, db, settings):
    settings.SIGNUP_LIMIT = (2, 3600)
    assert [sign_up(client, n) for n in range(2)] == [302, 302]
    assert sign_up(client, 3) == 429
    assert User.objects.count() == 2
    assert client.get("/accounts/signup/").status_code == 200


def test_password_resets_from_one_address_meet_a_429(client, alice, settings):
    settings.PASSWORD_RESET_LIMIT = (2, 900)
    codes = [
        client.post("/accounts/password/reset/", {"email": "alice@example.com"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert "Too many password reset requests" in response.content.decode()
