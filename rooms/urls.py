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
    path("rooms/<uuid:code>/join/", views.owner_join, name="owner_join"),
    # Owner or host (host_access_or_404): one set of views for the notification area and the room.
    path("rooms/<uuid:code>/requests/<int:pk>/allow/", views.allow_request, name="allow_request"),
    path("rooms/<uuid:code>/requests/<int:pk>/deny/", views.deny_request, name="deny_request"),
    path("rooms/<uuid:code>/requests/allow-all/", views.allow_all, name="allow_all"),
    path("rooms/<uuid:code>/requests/deny-all/", views.deny_all, name="deny_all"),
    path("rooms/<uuid:code>/host/privacy/", views.host_privacy, name="host_privacy"),
    # Owner or host, in the meeting (docs/meeting.md, "Host actions"): a person by their peer id.
    path("rooms/<uuid:code>/people/<str:peer>/mute/", views.mute, name="mute"),
    path("rooms/<uuid:code>/people/<str:peer>/remove/", views.remove_person, name="remove"),
    path(
        "rooms/<uuid:code>/people/<str:peer>/send-to-waiting/",
        views.send_to_waiting,
        name="send_to_waiting",
    ),
    path("rooms/<uuid:code>/end/", views.end_meeting, name="end_meeting"),
    path("r/<slug:slug>/<str:secret>/", views.lobby, name="lobby"),
    path("r/<slug:slug>/<str:secret>/join/", views.join, name="join"),
    path("r/<slug:slug>/<str:secret>/room/", views.room_page, name="room"),
    path("r/<slug:slug>/<str:secret>/leave/", views.leave, name="leave"),
    path("r/<slug:slug>/<str:secret>/cancel/", views.cancel_request, name="cancel_request"),
]
