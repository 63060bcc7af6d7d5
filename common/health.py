"""Health endpoints for a load balancer: liveness (the process answers) and readiness (its
database and channel layer answer, and it is not draining)."""

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

# Seconds the channel layer has to hand back a message sent to this process's own channel.
LAYER_TIMEOUT = 2

# Set once this process has been told to stop: a load balancer sends it no new requests while
# those in flight finish. Liveness stays 200 (a draining process is not a dead one).
draining = False


def begin_draining() -> None:
    """Marks this process as stopping: /healthz/ready answers 503 "draining" from now on."""
    global draining
    draining = True


def plain(status: int, text: str) -> HttpResponse:
    """A short text answer no cache keeps: a stale "ok" would hide a failure."""
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response


# csrf_exempt: they change nothing, so a POST is told 405 (wrong method) rather than 403.
@csrf_exempt
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return plain(200, "ok")


def database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def layer_answers() -> None:
    """A send and receive on a channel only this process holds: the layer's whole round trip
    (Redis when configured), without reaching any consumer."""
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), LAYER_TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise ValueError(f"got {message.get('type')!r} back")


@csrf_exempt
@require_safe
async def ready(request: HttpRequest) -> HttpResponse:
    if draining:
        return plain(503, "draining")
    try:
        await sync_to_async(database_answers)()
    except DatabaseError as error:
        return plain(503, f"database: {type(error).__name__}")
    try:
        await layer_answers()
    except Exception as error:  # Any failure of the layer (Redis down, timeout) is "not ready".
        return plain(503, f"channel layer: {type(error).__name__}")
    return plain(200, "ok")
