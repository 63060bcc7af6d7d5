"""The meeting through Janus, in real browsers with fake devices in the test's namespace: the
same page as the mesh, each person publishing once to a real Janus (Debian's) that the app
runs; host actions reach Janus itself."""

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from rooms.models import JanusRoom
from tests.browser.conftest import log_in, tile_menu
from tests.browser.media.test_meeting import join, screenshot, sees_and_hears, tile
from tests.janus.support import JanusProcess, require_janus
from tests.live import LiveServer, free_port
from tests.media import Namespace, wait_for, wait_for_frames_growing

# Every request a page sends to Janus, kept for the test (with the token it carried).
RECORD_JANUS = """
(() => {
  const send = WebSocket.prototype.send;
  window.__janusSent = [];
  WebSocket.prototype.send = function (data) {
    if (this.protocol === "janus-protocol") window.__janusSent.push(JSON.parse(data));
    return send.call(this, data);
  };
})();
"""

# What Janus answers a fresh WebSocket that opens a session with `token`: "success" or its
# error code.
JANUS_SESSION = """async ([url, token]) => new Promise((resolve) => {
  const ws = new WebSocket(url, "janus-protocol");
  ws.onopen = () => ws.send(JSON.stringify({janus: "create", transaction: "t", token}));
  ws.onmessage = (event) => {
    const reply = JSON.parse(event.data);
    resolve(reply.janus === "error" ? reply.error.code : reply.janus);
    ws.close();
  };
  ws.onerror = () => resolve("socket error");
})"""


@pytest.fixture
def server(transactional_db, media_network: Namespace) -> Iterator[LiveServer]:
    """The app and a Janus of its own, both on the namespace's host end; ICE only there."""
    require_janus()
    port = free_port(media_network.host)
    janus = JanusProcess.beside(media_network, port)
    server = LiveServer(host=media_network.host, port=port, **janus.app_env)
    server.janus = janus
    yield server
    server.stop()
    janus.stop()


def publishers(server: LiveServer, room) -> list[str]:
    """The display names publishing in the room's VideoRoom, as Janus itself lists them."""
    placement = JanusRoom.objects.get(room=room, retired_at=None)
    reply = server.janus.videoroom(
        "listparticipants", room=placement.janus_id, secret=placement.secret
    )
    return sorted(p.get("display", "") for p in reply.get("participants", []))


def wait_until_janus_forgets(server: LiveServer, janus_id: int) -> None:
    deadline = time.monotonic() + 10
    while server.janus.room_exists(janus_id):
        assert time.monotonic() < deadline, f"VideoRoom {janus_id} is still on Janus"
        time.sleep(0.1)


def test_four_people_see_and_hear_each_other_through_janus(new_context, bobs_room, server):
    names = ["Hana", "Ivan", "Jo", "Kai"]
    people = {name: join(new_context(), bobs_room, name, host=name == "Hana") for name in names}
    for name, page in people.items():
        for other in names:
            if other != name:
                sees_and_hears(page, other)
    # Nobody's browser connects to anyone else's: each has one connection up and one down.
    for page in people.values():
        states = page.evaluate("() => window.__peerConnections.map(pc => pc.connectionState)")
        assert states.count("connected") == 2, states
    assert len(publishers(server, bobs_room)) == 4
    screenshot(people["Hana"], "janus-meeting-four")


def test_a_removed_person_leaves_janus_and_their_token_is_refused(new_context, bobs_room, server):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    context = new_context()
    context.add_init_script(RECORD_JANUS)
    ivan = join(context, bobs_room, "Ivan")
    jo = join(new_context(), bobs_room, "Jo")
    for page, other in [(hana, "Ivan"), (jo, "Ivan"), (ivan, "Jo")]:
        sees_and_hears(page, other)
    sent = ivan.evaluate("() => window.__janusSent")
    token = next(message["token"] for message in sent if message["janus"] == "create")
    janus_url = json.loads(ivan.locator("#meeting").text_content())
    assert janus_url["transport"] == "janus"

    tile(hana, "Ivan").get_by_role("button", name="Options for Ivan").click()
    hana.get_by_role("menu", name="Options for Ivan").get_by_role(
        "menuitem", name="Remove from room"
    ).click()
    hana.get_by_role("dialog", name="Remove Ivan from the room?").get_by_role(
        "button", name="Remove from room"
    ).click()
    expect(ivan.get_by_role("heading", name="A host removed you from the room")).to_be_visible()
    for page in (hana, jo):
        expect(tile(page, "Ivan")).to_have_count(0)
    wait_for(
        hana,
        lambda: len(publishers(server, bobs_room)) == 2,
        lambda: f"Janus still lists {publishers(server, bobs_room)}",
        10,
    )
    # The token Ivan's page used, replayed: Janus itself refuses it.
    assert ivan.evaluate(JANUS_SESSION, [server.janus.url, token]) == 403
    sees_and_hears(hana, "Jo")


def test_deleting_the_room_on_the_dashboard_ends_its_janus_room(
    new_context, bobs_room, bob, server
):
    ivan = join(new_context(), bobs_room, "Ivan")
    jo = join(new_context(), bobs_room, "Jo")
    sees_and_hears(ivan, "Jo")
    janus_id = JanusRoom.objects.get(room=bobs_room, retired_at=None).janus_id
    assert server.janus.room_exists(janus_id)

    owner = log_in(new_context().new_page(), bob)
    tile_menu(owner, bobs_room).get_by_role("link", name="Delete").click()
    owner.get_by_role("dialog").get_by_role("button", name="Delete room").click()
    for page in (ivan, jo):
        expect(page.get_by_role("heading", name="This room has been deleted")).to_be_visible()
    wait_until_janus_forgets(server, janus_id)


def test_a_janus_restart_mid_meeting_resumes_it_without_a_reload(new_context, bobs_room, server):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    sees_and_hears(ivan, "Hana")
    for page in (hana, ivan):
        page.evaluate("() => { window.sameDocument = true; }")

    server.janus.kill()
    expect(hana.locator("[data-meeting-status]")).to_have_text("Reconnecting…")
    server.janus.start()
    for page, other in [(hana, "Ivan"), (ivan, "Hana")]:
        expect(page.locator("[data-meeting-status]")).to_have_text("", timeout=45_000)
        sees_and_hears(page, other)
        assert page.evaluate("() => window.sameDocument") is True


def test_a_shared_screen_is_a_publisher_of_its_own_and_a_tile_for_everyone(
    new_context, bobs_room, server
):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    ivan.get_by_role("button", name="Share screen").click()
    expect(ivan.get_by_role("button", name="Stop sharing")).to_be_visible()
    screen = hana.get_by_role("figure", name="Screen shared by Ivan")
    wait_for_frames_growing(screen.locator("video"), timeout=15)
    sees_and_hears(hana, "Ivan")  # The camera keeps its own tile.
    assert len(publishers(server, bobs_room)) == 3
    ivan.get_by_role("button", name="Stop sharing").click()
    expect(screen).to_have_count(0)
    wait_for(
        hana,
        lambda: len(publishers(server, bobs_room)) == 2,
        lambda: f"Janus still lists {publishers(server, bobs_room)}",
        10,
    )
    sees_and_hears(hana, "Ivan")


def test_people_coming_and_going_leave_everyone_seeing_whoever_is_in(
    new_context, bobs_room, server
):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    for name in ("Jo", "Kai"):  # Each comes in, is seen, and closes the tab.
        context = new_context()
        visitor = join(context, bobs_room, name)
        sees_and_hears(hana, name)
        sees_and_hears(visitor, "Hana")
        context.close()
        expect(tile(hana, name)).to_have_count(0)
    lee = join(new_context(), bobs_room, "Lee")
    for page, others in [(hana, ["Ivan", "Lee"]), (ivan, ["Hana", "Lee"]), (lee, ["Hana", "Ivan"])]:
        for other in others:
            sees_and_hears(page, other)


def test_end_meeting_for_all_ends_the_janus_room(new_context, bobs_room, server):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    janus_id = JanusRoom.objects.get(room=bobs_room, retired_at=None).janus_id
    hana.get_by_role("link", name="End meeting for all").click()
    dialog = hana.get_by_role("dialog", name="End the meeting for everyone?")
    dialog.get_by_role("button", name="End meeting for all").click()
    for page in (hana, ivan):
        expect(page.get_by_role("heading", name="The meeting has ended")).to_be_visible()
    wait_until_janus_forgets(server, janus_id)
    # Back in from the lobby, they meet again, in a new VideoRoom.
    hana.get_by_role("link", name="Back to the lobby").click()
    hana.get_by_role("button", name="Join room").click()
    ivan.get_by_role("link", name="Back to the lobby").click()
    ivan.get_by_role("button", name="Join room").click()
    sees_and_hears(hana, "Ivan")
    assert JanusRoom.objects.get(room=bobs_room, retired_at=None).janus_id != janus_id
