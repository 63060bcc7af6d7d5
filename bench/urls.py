"""The app's URLs plus a bare view, the baseline the dashboard's figures compare with."""

from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("bench/bare/", TemplateView.as_view(template_name="bench/bare.html")),
    path("", include("session_rooms.urls")),
]
