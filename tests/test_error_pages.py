def test_an_unknown_page_answers_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Go to Session Rooms" in html


def test_a_csrf_failure_explains_itself(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice@example.com", "password": "x"})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_head_request_gets_the_dashboard_headers(client, alice):
    client.force_login(alice)
    assert client.head("/").status_code == 200
