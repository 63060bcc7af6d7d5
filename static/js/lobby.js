// The lobby's "check yourself before joining": a self-view, a microphone level, the camera and
// microphone switches and device pickers. The choices are remembered (devices.js) for the room.
// Without JavaScript the section stays hidden and joining works the same.
"use strict";

(() => {
  const Devices = window.SessionDevices;
  let section, video, stream = null, stopMeter = () => {};

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
    const opened = await Devices.open({ audio: chosen.audio, video: chosen.video });
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
})();
