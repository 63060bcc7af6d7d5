"""Room URLs: the dashboard, an owner's actions by room code, and guests' links."""

from django.urls import path

from . import views

app_name = "rooms"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rooms/new/", views.create_room, name="create"),
    path("rooms/<uuid:code>/activity/", views.activity, name="activity"),
    path("rooms/<uuid:code>/customize/", views.customize_room, name="customize"),
    path("r/<slug:slug>/<str:secret>/", views.lobby, name="lobby"),
]
