"""The meeting in real browsers with fake cameras and microphones, in the test's network
namespace: three people see and hear each other, mute, share a screen, leave; a late joiner
gets everyone and a reload reconnects."""

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from rooms.models import Activity, Room
from tests.browser.conftest import SCREENSHOTS, axe_violations
from tests.media import (
    has_live_audio,
    wait_for,
    wait_for_frames_growing,
    wait_for_silence,
    wait_for_sound,
)

# Every track getUserMedia and getDisplayMedia hand the page, and every track the page stops,
# by id in sessionStorage: it outlives Leave's navigation to the lobby.
RECORD_TRACKS = """
(() => {
  const note = (key, id) => sessionStorage.setItem(key,
    JSON.stringify([...JSON.parse(sessionStorage.getItem(key) || "[]"), id]));
  const media = navigator.mediaDevices;
  for (const name of ["getUserMedia", "getDisplayMedia"]) {
    const original = media[name] && media[name].bind(media);
    if (!original) continue;
    media[name] = async (...args) => {
      const stream = await original(...args);
      stream.getTracks().forEach(t => note("handed", t.id));
      return stream;
    };
  }
  const stop = MediaStreamTrack.prototype.stop;
  MediaStreamTrack.prototype.stop = function () {
    note("stopped", this.id);
    return stop.call(this);
  };
})();
"""

# What each RTCPeerConnection of a page is doing, printed when a test fails.
CONNECTIONS = """() => (window.__peerConnections || []).map(pc => [pc.connectionState,
    pc.signalingState, pc.getTransceivers().map(t => `${t.mid}:${t.currentDirection}`).join()])"""

# The tracks the page was handed and has not stopped (after at least one was handed).
NOT_STOPPED = """() => {
  const handed = JSON.parse(sessionStorage.getItem("handed") || "[]");
  const stopped = new Set(JSON.parse(sessionStorage.getItem("stopped") || "[]"));
  return handed.length ? handed.filter(id => !stopped.has(id)) : ["nothing was handed"];
}"""

# The tracks handed to the page so far, and which of the given ones it has not stopped: for a
# page that goes on to the lobby, whose self-view is handed tracks of its own.
HANDED = """() => JSON.parse(sessionStorage.getItem("handed") || "[]")"""
STILL_LIVE = """(ids) => {
  const stopped = new Set(JSON.parse(sessionStorage.getItem("stopped") || "[]"));
  return ids.filter(id => !stopped.has(id));
}"""

# How the page sends its camera on each open connection: [scaleResolutionDownBy, maxBitrate].
CAMERA_COPIES = """() => (window.__peerConnections || [])
  .filter(pc => pc.connectionState !== "closed")
  .map(pc => pc.getTransceivers().find(t => t.sender.track?.kind === "video"))
  .filter(Boolean).map(t => t.sender.getParameters().encodings[0])
  .map(e => [e.scaleResolutionDownBy ?? 1, e.maxBitrate ?? null])"""


def join(context: BrowserContext, room: Room, name: str, host: bool = False) -> Page:
    # Three browsers decoding video on a shared machine: give each step more than the usual 10s.
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.errors = []  # Script errors, to show when a test fails.
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda m: m.type in {"error", "warning"} and page.errors.append(f"{m.type}: {m.text}"),
    )
    page.goto(room.host_path if host else room.participant_path)
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Join room").click()
    expect(page.get_by_role("heading", name=room.name, exact=True)).to_be_visible()
    return page


def tile(page: Page, name: str) -> Locator:
    return page.get_by_role("figure", name=name, exact=True)


def sees_and_hears(page: Page, name: str) -> None:
    video = tile(page, name).locator("video")
    try:
        wait_for_frames_growing(video, timeout=15)
    except AssertionError:
        for context in page.context.browser.contexts:
            for other in context.pages:
                print(other.evaluate(CONNECTIONS), getattr(other, "errors", None))
        raise
    wait_for(page, lambda: has_live_audio(video), lambda: f"no live audio from {name}", 10)


def screenshot(page: Page, name: str) -> None:
    """As tests/browser's, with time to spare: three browsers decoding video share two cores."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, timeout=60_000)


def meeting_of_three(new_context, room: Room, **options) -> dict[str, Page]:
    people = {}
    for name in ["Hana", "Ivan", "Jo"]:
        context = new_context(**options)
        context.add_init_script(RECORD_TRACKS)
        people[name] = join(context, room, name, host=name == "Hana")
    return people


def test_three_people_see_and_hear_each_other(new_context, bobs_room):
    people = meeting_of_three(new_context, bobs_room)
    for name, page in people.items():
        expect(tile(page, f"{name} (you)")).to_be_visible()
        for other in people:
            if other != name:
                sees_and_hears(page, other)
    wait_for_sound(tile(people["Hana"], "Ivan").locator("video"))
    screenshot(people["Hana"], "meeting-three-1280")
    people["Jo"].set_viewport_size({"width": 390, "height": 844})
    screenshot(people["Jo"], "meeting-three-390")


def test_muting_shows_muted_and_silences_for_everyone(new_context, bobs_room):
    people = meeting_of_three(new_context, bobs_room)
    hana, ivan, jo = people.values()
    sees_and_hears(hana, "Ivan")
    sees_and_hears(jo, "Ivan")
    microphone = ivan.get_by_role("button", name="Microphone")
    expect(microphone).to_have_attribute("aria-pressed", "true")
    microphone.click()
    expect(microphone).to_have_attribute("aria-pressed", "false")
    for page in (hana, jo):
        expect(tile(page, "Ivan").get_by_text("Muted")).to_be_visible()
        wait_for_silence(tile(page, "Ivan").locator("video"))
    expect(tile(ivan, "Ivan (you)").get_by_text("Muted")).to_be_visible()
    microphone.click()
    expect(tile(hana, "Ivan").get_by_text("Muted")).to_be_hidden()
    wait_for_sound(tile(hana, "Ivan").locator("video"))


def test_a_shared_screen_is_its_own_tile_for_everyone(new_context, bobs_room):
    people = meeting_of_three(new_context, bobs_room)
    hana, ivan, jo = people.values()
    jo.get_by_role("button", name="Share screen").click()
    expect(jo.get_by_role("button", name="Stop sharing")).to_be_visible()
    for page in (hana, ivan):
        screen = page.get_by_role("figure", name="Screen shared by Jo")
        wait_for_frames_growing(screen.locator("video"), timeout=15)
        sees_and_hears(page, "Jo")  # and the camera keeps its own tile
    screenshot(hana, "meeting-screen-1280")
    ivan.set_viewport_size({"width": 390, "height": 844})
    screenshot(ivan, "meeting-screen-390")
    jo.get_by_role("button", name="Stop sharing").click()
    for page in (hana, ivan):
        expect(page.get_by_role("figure", name="Screen shared by Jo")).to_have_count(0)


def test_leave_stops_every_local_track_and_the_tile_goes(new_context, bobs_room):
    people = meeting_of_three(new_context, bobs_room)
    hana, ivan, jo = people.values()
    sees_and_hears(hana, "Jo")
    jo.get_by_role("button", name="Share screen").click()
    expect(hana.get_by_role("figure", name="Screen shared by Jo")).to_be_visible()
    jo.get_by_role("button", name="Leave").click()
    expect(jo.get_by_text("You left Bob's office hours.")).to_be_visible()
    assert jo.evaluate(NOT_STOPPED) == []
    for page in (hana, ivan):
        expect(tile(page, "Jo")).to_have_count(0)
        expect(page.get_by_role("figure", name="Screen shared by Jo")).to_have_count(0)
    sees_and_hears(hana, "Ivan")


def sends_camera_copies(page: Page, copies: list) -> None:
    wait_for(
        page,
        lambda: page.evaluate(CAMERA_COPIES) == copies,
        lambda: f"camera sent as {page.evaluate(CAMERA_COPIES)}, not {copies}",
        timeout=30,
    )


def test_a_late_joiner_gets_everyone_and_a_reload_reconnects(new_context, bobs_room):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    sends_camera_copies(hana, [[1, 1_500_000]])  # one copy: full size
    jo = join(new_context(), bobs_room, "Jo")
    sees_and_hears(jo, "Hana")
    sees_and_hears(jo, "Ivan")
    for page in (hana, ivan, jo):  # two copies each, each smaller
        sends_camera_copies(page, [[1.5, 900_000]] * 2)
    ivan.reload()
    expect(tile(ivan, "Ivan (you)")).to_be_visible()
    for page, other in [(ivan, "Hana"), (ivan, "Jo"), (hana, "Ivan"), (jo, "Ivan")]:
        sees_and_hears(page, other)
    expect(tile(hana, "Ivan")).to_have_count(1)


def test_a_host_mutes_and_removes_someone_whose_media_stops_for_everyone(new_context, bobs_room):
    # axe runs in Hana's page: its checks need eval(), which the app's CSP refuses.
    people = meeting_of_three(new_context, bobs_room, bypass_csp=True, reduced_motion="reduce")
    hana, ivan, jo = people.values()
    sees_and_hears(hana, "Ivan")
    sees_and_hears(jo, "Ivan")
    tile(hana, "Ivan").get_by_role("button", name="Options for Ivan").click()
    menu = hana.get_by_role("menu", name="Options for Ivan")
    expect(menu.get_by_role("menuitem")).to_have_text(["Mute", "Remove from room"])
    screenshot(hana, "meeting-host-menu-1280")
    assert axe_violations(hana) == []
    hana.set_viewport_size({"width": 390, "height": 844})
    screenshot(hana, "meeting-host-menu-390")
    hana.set_viewport_size({"width": 1280, "height": 720})

    menu.get_by_role("menuitem", name="Mute").click()
    expect(ivan.get_by_role("button", name="Microphone")).to_have_attribute("aria-pressed", "false")
    expect(ivan.get_by_text("Hana turned your microphone off.")).to_be_visible()
    expect(tile(hana, "Ivan").get_by_text("Muted")).to_be_visible()
    expect(tile(jo, "Ivan").get_by_text("Muted")).to_be_visible()

    tile(hana, "Ivan").get_by_role("button", name="Options for Ivan").click()
    menu.get_by_role("menuitem", name="Remove from room").click()
    dialog = hana.get_by_role("dialog", name="Remove Ivan from the room?")
    expect(dialog).to_be_visible()
    screenshot(hana, "meeting-remove-dialog")
    dialog.get_by_role("button", name="Remove from room").click()

    expect(ivan.get_by_role("heading", name="A host removed you from the room")).to_be_visible()
    expect(ivan.get_by_role("link", name="Back to the lobby")).to_be_visible()
    assert ivan.evaluate(NOT_STOPPED) == []
    for page in (hana, jo):
        expect(tile(page, "Ivan")).to_have_count(0)
    sees_and_hears(hana, "Jo")
    ivan.get_by_role("link", name="Back to the lobby").click()
    expect(ivan.get_by_role("button", name="Join room")).to_be_visible()


@pytest.mark.parametrize("server_env", [{"MEETING_MESH_LIMIT": "2"}])
def test_past_the_mesh_limit_people_are_told_and_get_media_when_someone_leaves(
    new_context, bobs_room
):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    jo = join(new_context(), bobs_room, "Jo")
    expect(jo.get_by_text("available for up to 2 people")).to_be_visible()
    expect(jo.locator("#presence-list")).to_contain_text("Hana")
    expect(tile(jo, "Jo (you)")).to_have_count(0)
    expect(tile(hana, "Jo")).to_have_count(0)
    ivan.get_by_role("button", name="Leave").click()
    expect(jo.get_by_text("available for up to 2 people")).to_have_count(0)
    sees_and_hears(hana, "Jo")
    sees_and_hears(jo, "Hana")


def test_camera_off_shows_initials_and_a_host_ends_the_meeting_for_all(new_context, bobs_room):
    contexts = [new_context(), new_context()]
    for context in contexts:
        context.add_init_script(RECORD_TRACKS)
    hana = join(contexts[0], bobs_room, "Hana", host=True)
    ivan = join(contexts[1], bobs_room, "Ivan Petrov")
    sees_and_hears(hana, "Ivan Petrov")
    camera = ivan.get_by_role("button", name="Camera")
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "false")
    expect(tile(hana, "Ivan Petrov").get_by_text("IP")).to_be_visible()
    expect(tile(ivan, "Ivan Petrov (you)").get_by_text("IP")).to_be_visible()

    hana.get_by_role("link", name="End meeting for all").click()
    dialog = hana.get_by_role("dialog", name="End the meeting for everyone?")
    dialog.get_by_role("button", name="End meeting for all").click()
    for page in (hana, ivan):
        expect(page.get_by_role("heading", name="The meeting has ended")).to_be_visible()
        expect(page.get_by_role("link", name="Back to the lobby")).to_be_visible()
        assert page.evaluate(NOT_STOPPED) == []


def test_a_host_sends_someone_back_to_the_waiting_room_of_a_locked_room(new_context, alices_room):
    hana = join(new_context(), alices_room, "Hana", host=True)
    context = new_context()
    context.add_init_script(RECORD_TRACKS)
    ivan = context.new_page()
    ivan.goto(alices_room.participant_path)
    ivan.get_by_label("Display name").fill("Ivan")
    ivan.get_by_role("button", name="Ask to join").click()
    waiting = ivan.get_by_role("heading", name="Waiting for the host to let you in")
    expect(waiting).to_be_visible()
    hana.locator("#host-panel").get_by_role("button", name="Allow Ivan").click()
    expect(ivan.get_by_role("heading", name=alices_room.name, exact=True)).to_be_visible()
    sees_and_hears(hana, "Ivan")

    tile(hana, "Ivan").get_by_role("button", name="Options for Ivan").click()
    menu = hana.get_by_role("menu", name="Options for Ivan")
    expect(menu.get_by_role("menuitem")).to_have_text(
        ["Mute", "Remove from room", "Send to waiting room"]
    )
    in_meeting = ivan.evaluate(HANDED)
    assert in_meeting
    menu.get_by_role("menuitem", name="Send to waiting room").click()

    expect(waiting).to_be_visible()  # Ivan is back in the lobby, asking again
    assert ivan.evaluate(STILL_LIVE, in_meeting) == []
    expect(tile(hana, "Ivan")).to_have_count(0)
    expect(hana.locator("#host-panel").get_by_role("button", name="Allow Ivan")).to_be_visible()
    assert Activity.objects.filter(
        room=alices_room, kind=Activity.Kind.SENT_TO_WAITING, detail="Ivan"
    ).exists()
    hana.locator("#host-panel").get_by_role("button", name="Allow Ivan").click()
    expect(ivan.get_by_role("heading", name=alices_room.name, exact=True)).to_be_visible()
    sees_and_hears(hana, "Ivan")


def test_joining_with_the_microphone_off_is_muted_for_everyone_and_the_self_view_is_mirrored(
    new_context, bobs_room
):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = new_context().new_page()
    ivan.goto(bobs_room.participant_path)
    microphone = ivan.get_by_role("button", name="Microphone", exact=True)
    microphone.click()
    expect(microphone).to_have_attribute("aria-pressed", "false")
    ivan.get_by_label("Display name").fill("Ivan")
    ivan.get_by_role("button", name="Join room").click()
    expect(ivan.get_by_role("button", name="Microphone")).to_have_attribute("aria-pressed", "false")
    expect(tile(hana, "Ivan").get_by_text("Muted")).to_be_visible()
    wait_for_frames_growing(tile(hana, "Ivan").locator("video"), timeout=15)
    wait_for_silence(tile(hana, "Ivan").locator("video"))
    # Your own tile is a mirror, as every meeting app shows it; the others are not.
    mirrored = "(video) => getComputedStyle(video).transform"
    assert (
        tile(ivan, "Ivan (you)").locator("video").evaluate(mirrored) == "matrix(-1, 0, 0, 1, 0, 0)"
    )
    assert tile(ivan, "Hana").locator("video").evaluate(mirrored) == "none"
    ivan.get_by_role("button", name="Microphone").click()
    expect(tile(hana, "Ivan").get_by_text("Muted")).to_be_hidden()
    wait_for_sound(tile(hana, "Ivan").locator("video"))


# The ids of the microphone tracks the page sends on its open connections.
SENT_AUDIO = """() => (window.__peerConnections || [])
  .filter(pc => pc.connectionState !== "closed").flatMap(pc => pc.getSenders())
  .map(s => s.track).filter(t => t && t.kind === "audio").map(t => t.id)"""


def test_device_settings_switch_the_microphone_and_the_others_still_hear(new_context, bobs_room):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    sent = ivan.evaluate(SENT_AUDIO)
    assert sent
    ivan.get_by_role("button", name="Device settings").click()
    dialog = ivan.get_by_role("dialog", name="Device settings")
    picker = dialog.get_by_label("Microphone")
    expect(picker).to_be_visible()
    choices = picker.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert len(choices) >= 2, choices  # Chromium's fake devices: several microphones.
    other = next(value for value in choices if value != picker.input_value())
    picker.select_option(other)
    wait_for(
        ivan,
        lambda: ivan.evaluate(SENT_AUDIO) and not set(ivan.evaluate(SENT_AUDIO)) & set(sent),
        lambda: f"still sending {ivan.evaluate(SENT_AUDIO)}",
        10,
    )
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    wait_for_sound(tile(hana, "Ivan").locator("video"))
    # Remembered for the next visit, as the lobby's pickers are.
    assert ivan.evaluate("() => JSON.parse(localStorage['sessionRooms.devices']).microphone") == (
        other
    )


def speaks(figure: Locator, timeout: float = 10) -> None:
    """Waits until the tile's speaking indicator lights (the fake microphone beeps about once a
    second, and the indicator holds for 600 ms, so a 100 ms poll sees it)."""
    wait_for(
        figure.page,
        lambda: figure.get_attribute("data-speaking") == "true",
        lambda: f"{figure.locator('.tile-name').text_content()}'s tile never showed speaking",
        timeout,
    )


def test_a_tile_lights_while_its_person_speaks_and_not_while_muted(new_context, bobs_room):
    hana = join(new_context(), bobs_room, "Hana", host=True)
    ivan = join(new_context(), bobs_room, "Ivan")
    sees_and_hears(hana, "Ivan")
    speaks(tile(ivan, "Ivan (you)"))
    speaks(tile(hana, "Ivan"))
    speaks(tile(ivan, "Hana"))
    ivan.get_by_role("button", name="Microphone").click()
    expect(tile(hana, "Ivan").get_by_text("Muted")).to_be_visible()
    for _ in range(20):  # Two seconds: two beeps' worth, none shown.
        assert tile(hana, "Ivan").get_attribute("data-speaking") != "true"
        hana.wait_for_timeout(100)
