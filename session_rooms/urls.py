"""Root URLs: the dashboard and rooms, accounts, admin, and uploaded files."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("", include("rooms.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Uploaded room images have unguessable names; daphne serves them itself so the embedded
    # default needs no other server. A proxy in front may serve MEDIA_ROOT directly instead.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
