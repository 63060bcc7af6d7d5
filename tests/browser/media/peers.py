"""Two pages of the harness's bare page (/media-harness/) joined by one RTCPeerConnection each.

The test carries the offer and the answer (after ICE gathering completes, so no trickle): no
app code is involved, which makes these the harness's own proof and the TURN server's.
"""

from playwright.sync_api import Page

from tests.media import wait_for

# For the test's daphne: the app plus /media-harness/ (tests/browser/media/site_urls.py).
HARNESS_SITE = {"DJANGO_SETTINGS_MODULE": "tests.browser.media.site_settings"}

START = """async (config) => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
  document.querySelector("#local").srcObject = stream;
  const pc = new RTCPeerConnection(config);
  window.pc = pc;
  window.gathered = () => new Promise(resolve => {
    const done = () => pc.iceGatheringState === "complete" && resolve();
    pc.addEventListener("icegatheringstatechange", done);
    done();
  });
  stream.getTracks().forEach(track => pc.addTrack(track, stream));
  pc.addEventListener("track", event => {
    document.querySelector("#remote").srcObject = event.streams[0];
  });
}"""

DESCRIBE = """async (remote) => {
  if (remote) await pc.setRemoteDescription(remote);
  await pc.setLocalDescription();
  await gathered();
  return pc.localDescription.toJSON();
}"""


def open_peer(page: Page, config: dict) -> Page:
    """Opens the harness page with the camera and microphone on a peer connection of `config`."""
    page.goto("/media-harness/")
    page.evaluate(START, config)
    return page


def offer(page: Page) -> dict:
    """The page's offer, with every ICE candidate it gathered."""
    return page.evaluate(DESCRIBE, None)


def connect(caller: Page, callee: Page) -> None:
    """Offer from `caller`, answer from `callee`, carried by the test."""
    answer = callee.evaluate(DESCRIBE, offer(caller))
    caller.evaluate("answer => pc.setRemoteDescription(answer)", answer)


def wait_connected(page: Page, timeout: float = 10) -> None:
    def state() -> str:
        return page.evaluate("pc.connectionState")

    wait_for(page, lambda: state() == "connected", lambda: f"the peer is {state()}", timeout)
