from django.core import mail

from tests.conftest import PASSWORD


def test_it_logs_in_with_email_in_any_case(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "ALICE@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_it_refuses_a_wrong_password(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "nope"}
    )
    assert response.status_code == 422
    assert "Please enter a correct email and password" in response.content.decode()


def test_the_login_form_says_email(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert ">Email</label>" in html
    assert ">Password</label>" in html


def test_logout_needs_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_changes_the_password(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-9",
            "new_password2": "a-new-long-pass-9",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-pass-9")


def test_password_change_refuses_the_anonymous_visitor(client, db):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_mails_a_reset_link_built_from_site_url_not_the_host_header(client, alice, settings):
    response = client.post(
        "/accounts/password/reset/", {"email": "alice@example.com"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert f"{settings.SITE_URL}/accounts/password/reset/" in message.body
    assert "localhost" not in settings.SITE_URL
    assert "://localhost" not in message.body


def test_it_says_the_same_for_an_unknown_address(client, db):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True
    )
    assert "If an account uses that address" in response.content.decode()
    assert mail.outbox == []


def test_a_reset_link_sets_a_new_password(client, alice, settings):
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split(settings.SITE_URL, 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "fresh-pass-4321", "new_password2": "fresh-pass-4321"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("fresh-pass-4321")
