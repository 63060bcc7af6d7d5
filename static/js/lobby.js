// The lobby's "check yourself before joining": a self-view, a microphone level, the camera and
// microphone switches and device pickers. The choices are remembered (devices.js) for the room.
// Without JavaScript the section stays hidden and joining works the same.
"use strict";

(() => {
  const Devices = window.SessionDevices;
  let section, video, stream = null, stopMeter = () => {};
  let opening = 0;  // which start() is the latest: a click while the camera opens supersedes it

  const $ = (selector) => section.querySelector(selector);

  function showProblem(problems) {
    const text = [...new Set(Object.values(problems).filter(Boolean))].join(" ");
    const problem = $("[data-device-problem]");
    problem.textContent = text;
    problem.hidden = !text;
  }

  function showLevel(level) {
    const percent = Math.round(level * 100);
    const meter = $("[data-level]");
    meter.setAttribute("aria-valuenow", String(percent));
    $("[data-level-bar]").style.transform = `scaleX(${level})`;
  }

  function showState() {
    const chosen = Devices.choices();
    const hasVideo = !!stream?.getVideoTracks().length;
    for (const toggle of section.querySelectorAll("[data-toggle]")) {
      const on = chosen[toggle.dataset.toggle];
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.querySelector("use").setAttribute(
        "href", toggle.dataset.toggle === "audio" ? (on ? "#icon-mic" : "#icon-mic-off")
          : (on ? "#icon-camera" : "#icon-camera-off"));
    }
    $("[data-camera-off]").hidden = hasVideo;
    video.hidden = !hasVideo;
  }

  async function fillPickers() {
    const devices = await Devices.list();
    const chosen = Devices.choices();
    Devices.fill($("[data-pick=camera]"), devices.camera, chosen.camera);
    Devices.fill($("[data-pick=microphone]"), devices.microphone, chosen.microphone);
    Devices.fill($("[data-pick=speaker]"), Devices.canPickSpeaker() ? devices.speaker : [], chosen.speaker);
  }

  async function start() {
    $("[data-preview-start]").hidden = true;
    stopMeter();
    Devices.stopAll(stream);
    const chosen = Devices.choices();
    const mine = ++opening;
    const opened = await Devices.open({ audio: chosen.audio, video: chosen.video });
    if (mine !== opening) {  // a later choice is opening its own stream: this one is stale
      Devices.stopAll(opened.stream);
      return;
    }
    stream = opened.stream;
    // An empty stream never loads, and a media element loading holds the page's load event.
    video.srcObject = stream.getTracks().length ? stream : null;
    stopMeter = Devices.meter(stream, showLevel);
    if (!stream.getAudioTracks().length) showLevel(0);
    showProblem(opened.problems);
    showState();
    await fillPickers();
  }

  function stop() {
    opening++;
    stopMeter();
    Devices.stopAll(stream);
    stream = null;
  }

  document.addEventListener("DOMContentLoaded", () => {
    section = document.querySelector("[data-self-check]");
    if (!section) return;
    video = $("[data-self-view]");
    section.hidden = false;
    section.addEventListener("click", (event) => {
      const toggle = event.target.closest("[data-toggle]");
      if (toggle) {
        const kind = toggle.dataset.toggle;
        Devices.remember({ [kind]: !Devices.choices()[kind] });
        start();
      }
      if (event.target.closest("[data-preview-start]")) start();
    });
    section.addEventListener("change", (event) => {
      const pick = event.target.closest("[data-pick]");
      if (!pick) return;
      Devices.remember({ [pick.dataset.pick]: pick.value });
      if (pick.dataset.pick === "speaker") return;
      start();
    });
    // Back from the room after Leave: the camera stays off until asked for.
    if (Devices.justLeft()) {
      $("[data-preview-start]").hidden = false;
      $("[data-camera-off]").hidden = true;
      showState();
      video.hidden = true;
      return;
    }
    // After the page's load event: a <video> that is still loading would hold it back.
    if (document.readyState === "complete") start();
    else window.addEventListener("load", () => start(), { once: true });
  });
  // The page is leaving (joining, or elsewhere): let the camera go now, not when it unloads.
  window.addEventListener("pagehide", stop);

  // "Please wait 9 seconds before asking again": count it down, with the button off until then.
  function countDown() {
    const note = document.querySelector("[data-retry-after]:not([data-counting])");
    if (!note) return;
    note.dataset.counting = "";
    const button = note.closest("#join-state")?.querySelector("button[type=submit]");
    const until = Date.now() + Number(note.dataset.retryAfter) * 1000;
    if (button) button.disabled = true;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (!note.isConnected) return;
      if (left > 0) {
        note.textContent = `Please wait ${left} second${left === 1 ? "" : "s"} before asking again.`;
        setTimeout(tick, 250);
        return;
      }
      note.textContent = "You can ask again now.";
      note.className = "join-note muted";
      if (button) button.disabled = false;
    };
    tick();
  }
  document.addEventListener("DOMContentLoaded", countDown);
  document.addEventListener("htmx:afterSwap", countDown);

  // Asked, allowed or declined: the answer is what matters now. On a phone the self-view
  // pushes it below the fold, so bring it to the middle of the screen (and say it).
  function focusStatus() {
    const heading = document.querySelector("#join-state .join-status h2");
    if (!heading) return false;
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    return true;
  }
  document.addEventListener("DOMContentLoaded", () => {
    if (focusStatus()) document.querySelector("#join-state").scrollIntoView({ block: "center" });
  });
  // The guest stream's snapshot replaces #join-state, and the focus on it would fall to <body>.
  document.addEventListener("htmx:wsAfterMessage", () => {
    if (document.activeElement === document.body) focusStatus();
  });
})();
