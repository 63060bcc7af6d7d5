"""The app's URLs plus a bare view, the baseline the dashboard's figures compare with, and the
media harness's bare page (tests/browser/media/site_urls.py), the meeting suite's baseline."""

from django.urls import include, path
from django.views.generic import TemplateView

from tests.browser.media.site_urls import harness_page

urlpatterns = [
    path("bench/bare/", TemplateView.as_view(template_name="bench/bare.html")),
    path("media-harness/", harness_page),
    path("", include("session_rooms.urls")),
]
