"""Room URLs: the dashboard, an owner's actions by room code, and guests' links."""

from django.urls import path

from . import views

app_name = "rooms"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rooms/new/", views.create_room, name="create"),
    path("rooms/<uuid:code>/activity/", views.activity, name="activity"),
    path("rooms/<uuid:code>/customize/", views.customize_room, name="customize"),
    path("rooms/<uuid:code>/rename/", views.rename_room, name="rename"),
    path("rooms/<uuid:code>/privacy/", views.set_privacy, name="privacy"),
    path("rooms/<uuid:code>/links/regenerate/", views.regenerate_links, name="regenerate_links"),
    path("rooms/<uuid:code>/duplicate/", views.duplicate_room, name="duplicate"),
    path("rooms/<uuid:code>/delete/", views.delete_room, name="delete"),
    path("r/<slug:slug>/<str:secret>/", views.lobby, name="lobby"),
]
