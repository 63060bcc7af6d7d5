"""The product's own error pages while DEBUG is on (the embedded default, `make run`), unless a
developer asks for Django's debug pages with DEBUG_PAGES: a wrong, old or deleted room link
shows "Page not found" as in production, not a list of every URL pattern."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults


class ProductErrorPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or settings.DEBUG_PAGES:
            return response
        if response.status_code == 404 and is_html(response):
            return defaults.page_not_found(request, Http404())
        if response.status_code == 500 and is_html(response):
            return defaults.server_error(request)  # The traceback is in the log, as always.
        return response


def is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")
