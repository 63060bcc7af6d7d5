"""Who the abuse limits count: an IPv6 client is its /64, and a signed-in person their account,
so people behind one office address are not locked out by each other's signed-out mistakes."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD


def fail_login(address: str, **headers: str) -> int:
    wrong = {"username": "alice@example.com", "password": "wrong"}
    return Client(REMOTE_ADDR=address, **headers).post("/accounts/login/", wrong).status_code


def log_in(address: str, **headers: str) -> int:
    right = {"username": "alice@example.com", "password": PASSWORD}
    return Client(REMOTE_ADDR=address, **headers).post("/accounts/login/", right).status_code


def test_an_ipv6_64_is_one_client(alice, settings):
    settings.LOGIN_LIMIT = (3, 300)
    # Three addresses of one /64: one client's three tries.
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:ffff"):
        assert fail_login(address) == 422
    assert log_in("2001:db8:1:2:abcd::9") == 429
    # The next /64 is another client.
    assert log_in("2001:db8:1:3::1") == 302


def test_ipv4_mapped_into_ipv6_is_the_ipv4_client(alice, settings):
    settings.LOGIN_LIMIT = (2, 300)
    assert fail_login("192.0.2.7") == 422
    assert fail_login("::ffff:192.0.2.7") == 422
    assert log_in("192.0.2.7") == 429


def test_behind_the_proxy_the_forwarded_ipv6_is_grouped_too(alice, settings):
    settings.LOGIN_LIMIT = (2, 300)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = {"HTTP_X_FORWARDED_PROTO": "https"}
    for host in ("1", "2"):
        headers = {"HTTP_X_FORWARDED_FOR": f"203.0.113.9, 2001:db8:5:6::{host}"}
        assert fail_login("127.0.0.1", **headers, **proxied) == 422
    headers = {"HTTP_X_FORWARDED_FOR": "2001:db8:5:6::3"}
    assert log_in("127.0.0.1", **headers, **proxied) == 429
    assert log_in("127.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8:5:7::3", **proxied) == 302


@pytest.fixture
def office_locked_out(alices_room, settings):
    """An office behind 192.0.2.50 whose signed-out visitors mistyped five links."""
    settings.LINK_LIMIT = (5, 300)
    for n in range(5):
        assert Client(REMOTE_ADDR="192.0.2.50").get(f"/r/standup/typo{n}/").status_code == 404
    return alices_room


def test_an_office_address_over_the_link_limit_stops_signed_out_visitors(office_locked_out):
    response = Client(REMOTE_ADDR="192.0.2.50").get(office_locked_out.participant_path)
    assert response.status_code == 429


def test_signed_in_people_behind_that_address_are_counted_by_account(office_locked_out, bob):
    for person in (office_locked_out.owner, bob):
        browser = Client(REMOTE_ADDR="192.0.2.50")
        browser.force_login(person)
        assert browser.get(office_locked_out.participant_path).status_code == 200
    # Their own wrong links count against them alone.
    browser = Client(REMOTE_ADDR="192.0.2.50")
    browser.force_login(bob)
    codes = [browser.get(f"/r/standup/bobs-typo{n}/").status_code for n in range(6)]
    assert codes == [404] * 5 + [429]
