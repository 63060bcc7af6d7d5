"""A load balancer's health checks: liveness while the process answers, readiness only while
the database and the channel layer answer and the process is not draining (issue 14)."""

import pytest
from django.db import OperationalError, connection

from common import health


@pytest.fixture(autouse=True)
def not_draining(monkeypatch):
    monkeypatch.setattr(health, "draining", False)


def test_liveness_is_ok_without_touching_the_database(client):
    # No db fixture: pytest-django makes any database access raise.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_ok_with_one_query_when_database_and_layer_answer(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_503_naming_the_database_when_it_does_not_answer(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # Undone before the test database is torn down.
        patch.setattr(connection, "cursor", unreachable)
        response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.content == b"database: OperationalError\n"
    assert client.get("/healthz/live").status_code == 200


def test_readiness_is_503_naming_the_channel_layer_when_it_fails(client, db, monkeypatch):
    from channels.layers import get_channel_layer

    async def down(*args, **kwargs):
        raise ConnectionError("layer down")

    monkeypatch.setattr(get_channel_layer(), "send", down)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.content == b"channel layer: ConnectionError\n"


def test_a_draining_process_is_not_ready_but_still_alive(client, db):
    health.begin_draining()
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.content == b"draining\n"
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.parametrize("path", ["/healthz/live", "/healthz/ready"])
def test_health_checks_answer_get_and_head_only(db, path):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a real one: CSRF first would make it a 403
    assert client.head(path).status_code == 200
    for method in (client.post, client.put, client.delete):
        assert method(path).status_code == 405


@pytest.mark.parametrize("path", ["/healthz/live", "/healthz/ready"])
def test_health_checks_need_no_log_in_and_set_no_cookie(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_a_burst_of_health_checks_is_never_rate_limited(client, db):
    statuses = {client.get("/healthz/ready").status_code for _ in range(100)}
    statuses |= {client.get("/healthz/live").status_code for _ in range(100)}
    assert statuses == {200}
