"""Abuse limits: counters in the shared cache (Redis when configured), so they hold across
processes. A client over a limit gets a 429 that says what happened and when to retry."""

import functools
import ipaddress
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
    """The client a limit counts, by address: an IPv6 client is its /64, IPv4 the address."""
    address = request.META.get("REMOTE_ADDR", "unknown")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our proxy: its last hop appended the real client address.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    return network(address)


def scope_address(scope: dict) -> str:
    """client_address() for a WebSocket: the same client, from the ASGI scope."""
    client = scope.get("client")
    address = client[0] if client else "unknown"
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for", b"").decode("latin-1")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    return network(address)


def network(address: str) -> str:
    """One home or office is given a whole IPv6 /64 and may send from any of its addresses:
    counted per address, one machine would be 2**64 clients. IPv4 mapped into IPv6 is IPv4."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client(request: HttpRequest) -> str:
    """Who a limit counts: a signed-in person by their account, anyone else by address. So an
    office behind one address shares one budget only for what people do signed out."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    return client_address(request)


def count(key: str, window: int) -> int:
    """Adds one to a fixed-window counter and returns the new total, in one atomic step."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def take(
    request: HttpRequest, scope: str, limit: int, window: int, message: str, who: str = ""
) -> str | None:
    """Spends one try of `scope` for this client (or `who`), and raises RateLimited when it was
    one past `limit`. Returns what give_back() needs to return the try.

    Counting and checking are one atomic increment: a burst of requests at once cannot all pass
    a check made before any of them was counted (17 log-ins got through a limit of 10).
    With the shared store down, limits open rather than the rooms closing: logged, not raised.
    """
    key = f"limit:{scope}:{who or client(request)}"
    try:
        used = count(key, window)
    except Exception:
        logger.warning("Abuse limits unavailable (cache down); %s not limited", scope)
        return None
    if used > limit:
        raise RateLimited(message, window)
    return key


def give_back(key: str | None) -> None:
    """Returns a try once the attempt turned out well (the right password, a real link): only
    failures use up a limit, yet every attempt is counted while it runs."""
    if key is None:
        return
    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile
        pass
    except Exception:
        logger.warning("Abuse limits unavailable (cache down); a try not given back")


def limit_posts(scope: str, setting: str, message: str):
    """A view decorator: each POST spends one try of `scope`; past settings.<setting>, a 429."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                limit, window = getattr(settings, setting)
                take(request, scope, limit, window, message)
            return view(request, *args, **kwargs)

        return limited

    return decorate


def limit_logins(view):
    """A log-in view decorator: each POST spends one try of the address's LOGIN_LIMIT, shared by
    every log-in form (ours and the admin's), and gets it back when it let someone in (a
    redirect: a refused form shows again), so only wrong passwords use the limit up.

    Counted by address even for someone signed in: at the admin's form alice guesses another
    account's password, and accounts of her own must not each bring her fresh tries.
    Hand-written rather than django-axes (SECURITY.md says why): the same atomic take() as every
    other limit, so a burst of wrong passwords gets exactly the limit's tries.
    """

    @functools.wraps(view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        limit, window = settings.LOGIN_LIMIT
        message = "Too many failed log-in attempts. Wait a few minutes and try again."
        attempt = take(request, "login", limit, window, message, who=client_address(request))
        response = view(request, *args, **kwargs)
        if response.status_code == 302:
            give_back(attempt)
        return response

    return limited


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
