"""Abuse limits: counters in the shared cache (Redis when configured), so they hold across
processes. A client over a limit gets a 429 that says what happened and when to retry."""

import functools
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our proxy: its last hop appended the real client address.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def count(key: str, window: int) -> int:
    """Adds one to a fixed-window counter and returns the new total."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def over(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit


def check(request: HttpRequest, scope: str, limit: int, window: int, message: str) -> None:
    """Raises RateLimited when this client already used up `limit` tries of `scope`.

    With the shared store down, limits open rather than the rooms closing: logged, not raised.
    """
    try:
        used_up = over(f"limit:{scope}:{client_address(request)}", limit)
    except Exception:
        logger.warning("Abuse limits unavailable (cache down); %s not limited", scope)
        return
    if used_up:
        raise RateLimited(message, window)


def spend(request: HttpRequest, scope: str, window: int) -> None:
    try:
        count(f"limit:{scope}:{client_address(request)}", window)
    except Exception:
        logger.warning("Abuse limits unavailable (cache down); %s not counted", scope)


def limit_posts(scope: str, setting: str, message: str):
    """A view decorator: each POST spends one try of `scope`; past settings.<setting>, a 429."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                limit, window = getattr(settings, setting)
                check(request, scope, limit, window, message)
                spend(request, scope, window)
            return view(request, *args, **kwargs)

        return limited

    return decorate


def too_many(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The 429 page; to htmx, only its message, sent to the page's toast region wherever the
    form was (django_htmx's middleware, earlier in the stack, set request.htmx)."""
    context = {"message": error.message}
    if request.htmx:
        response = render(request, "429.html#toast", context, status=429)
        reswap(retarget(response, "#toasts"), "innerHTML")
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


class RateLimitMiddleware:
    """Turns RateLimited raised anywhere in a view into a 429: the page, or a toast for htmx."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many(request, exception)
        return None
