"""The app as the media tests see it: served on the namespace's host end to browsers inside,
a secure origin for getUserMedia, with log-in, CSRF and WebSockets working as on loopback."""

import re

from playwright.sync_api import expect

# daphne's access log: "10.99.7.2:35848 - - [28/Nov/2026:03:32:26] "GET /accounts/login/" 200"
ACCESS_LINE = re.compile(r"^(\S+):\d+ - - \[", re.MULTILINE)


def test_the_app_serves_the_namespace_as_a_secure_origin(
    signed_in, new_context, alices_room, server, media_network
):
    signed_in()  # alice logs in through the form: sessions and CSRF on the namespace's origin
    host = new_context().new_page()
    host.goto(alices_room.host_path)
    host.get_by_label("Display name").fill("Hana")
    host.get_by_role("button", name="Join room").click()
    # "Who is here now" arrives over the room's WebSocket, past the origin check.
    expect(host.locator("#presence-list")).to_contain_text("Hana")

    assert server.url.startswith(f"http://{media_network.host}:")
    assert host.evaluate("isSecureContext")
    tracks = host.evaluate(
        """async () => (await navigator.mediaDevices.getUserMedia({audio: true, video: true}))
            .getTracks().map(track => `${track.kind} ${track.readyState}`).sort()"""
    )
    assert tracks == ["audio live", "video live"]
    # The requests came from inside the namespace, not from this machine's own addresses.
    clients = {match[1] for match in ACCESS_LINE.finditer(server.log.read_text())}
    assert clients == {media_network.inner}
