"""Root URLs: the dashboard and rooms, accounts, admin, health checks, and uploaded files."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from common import health

urlpatterns = [
    path("", include("rooms.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # For a load balancer: no log-in, no session, never cached (common.health).
    path("healthz/live", health.live, name="healthz_live"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    # Uploaded room images have unguessable names; daphne serves them itself so the embedded
    # default needs no other server. A proxy in front may serve MEDIA_ROOT directly instead.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
