"""The lobby's "check yourself before joining": a live self-view and microphone level from the
fake camera and microphone, the switches remembered for the room, and plain words when the
browser refuses the camera."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, screenshot
from tests.media import wait_for, wait_for_frames_growing

# The browser says no, as when a person clicks Block: getUserMedia rejects NotAllowedError.
REFUSE_MEDIA = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""

# A slow camera: asking for video takes 1.5 s, so a click lands while the camera still opens.
SLOW_CAMERA = """
const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => constraints.video
  ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => open(constraints))
  : open(constraints);
"""


def level(page: Page) -> int:
    return int(page.get_by_role("meter", name="Microphone level").get_attribute("aria-valuenow"))


def test_the_lobby_shows_a_live_self_view_and_a_moving_level_meter(new_context, alices_room):
    page = new_context(bypass_csp=True, reduced_motion="reduce").new_page()  # for axe
    page.goto(alices_room.participant_path)
    preview = page.get_by_role("region", name="Check yourself before joining")
    expect(preview).to_be_visible()
    wait_for_frames_growing(preview.get_by_label("Your camera"))
    levels = set()

    def moved() -> bool:
        levels.add(level(page))
        return len(levels) > 2 and max(levels) > 0

    wait_for(page, moved, lambda: f"levels seen: {sorted(levels)}", 10)
    page.get_by_text("Choose camera, microphone and speaker").click()
    cameras = page.get_by_label("Camera", exact=True).locator("option")
    expect(cameras).to_have_text(["fake_device_0"])
    screenshot(page, "lobby-preview-1280")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "lobby-preview-390")


def test_turning_the_camera_off_in_the_lobby_is_remembered(new_context, alices_room):
    page = new_context().new_page()
    page.goto(alices_room.participant_path)
    camera = page.get_by_role("button", name="Camera", exact=True)
    expect(camera).to_have_attribute("aria-pressed", "true")
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_text("Camera off")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Camera", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    tracks = page.evaluate(
        "() => document.querySelector('[data-self-view]').srcObject"
        "?.getTracks().map(t => t.kind) || []"
    )
    assert tracks == ["audio"]


def test_turning_the_camera_off_while_it_is_still_opening_keeps_it_off(new_context, alices_room):
    context = new_context()
    context.add_init_script(SLOW_CAMERA)
    page = context.new_page()
    page.goto(alices_room.participant_path)
    page.get_by_role("button", name="Camera", exact=True).click()
    expect(page.get_by_text("Camera off")).to_be_visible()
    page.wait_for_timeout(2500)  # the first, slow opening has come back by now
    expect(page.get_by_text("Camera off")).to_be_visible()
    tracks = page.evaluate(
        "() => document.querySelector('[data-self-view]').srcObject"
        "?.getTracks().map(t => t.kind) || []"
    )
    assert tracks == ["audio"]


def test_a_refused_camera_is_said_in_plain_words_and_joining_still_works(new_context, bobs_room):
    context = new_context()
    context.add_init_script(REFUSE_MEDIA)
    page = context.new_page()
    page.goto(bobs_room.participant_path)
    expect(page.get_by_role("region", name="Check yourself before joining")).to_contain_text(
        "Your browser is not letting this page use your camera and microphone"
    )
    screenshot(page, "lobby-preview-refused")
    page.get_by_label("Display name").fill("Dana")
    page.get_by_role("button", name="Join room").click()
    expect(page.get_by_role("heading", name=bobs_room.name, exact=True)).to_be_visible()
