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
