"""Response headers Django's own middleware does not add."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Every HTML page and partial is sent with `Cache-Control: no-store`.

    Pages are personal: the dashboard and Customize show the owner's host links, the host's
    room page is reached through one, and every page holds a CSRF token and the visitor's own
    names. No browser or proxy cache may keep one (a shared computer's back button, a cache
    on the way). Images and other files stay cacheable."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_cache_control(response, no_store=True)
        return response
