"""Helpers the test modules share that are not fixtures (those live in conftest.py)."""

from django.test import SimpleTestCase

# The header htmx sends with each of its requests, as the test client's keyword arguments.
HTMX = {"HTTP_HX_REQUEST": "true"}

_html = SimpleTestCase()


def assert_in_html(needle: str, haystack: str, count: int | None = None) -> None:
    """`needle` is an element of `haystack` (compared as HTML: attribute order and white space
    do not matter); with `count`, exactly that many times."""
    _html.assertInHTML(needle, haystack, count=count)
