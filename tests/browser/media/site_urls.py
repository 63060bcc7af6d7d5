"""The app's URLs plus /media-harness/, a bare page for the harness's own peer-to-peer test.

Only the harness test's server uses this URLconf (site_settings); production never routes it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from session_rooms.urls import urlpatterns as app_urlpatterns

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Media harness</title></head>
<body><h1>Media harness</h1>
<video id="local" autoplay muted playsinline width="320" height="240"></video>
<video id="remote" autoplay playsinline width="320" height="240"></video>
</body></html>"""


def harness_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


urlpatterns = [*app_urlpatterns, path("media-harness/", harness_page)]
