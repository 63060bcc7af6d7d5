"""Production-grade headers and host checks."""

import pytest


def test_a_wrong_host_is_refused_with_400(client, db):
    from django.test import Client

    response = Client(raise_request_exception=False).get(
        "/accounts/login/", HTTP_HOST="evil.example.com"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_pages_deny_framing_and_leak_no_referrer(client, db, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
