"""Settings for the media harness's own test server: the app plus one test-only page."""

from session_rooms.settings import *  # noqa: F403

ROOT_URLCONF = "tests.browser.media.site_urls"
