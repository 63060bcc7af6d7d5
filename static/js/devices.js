// The camera and the microphone, for the lobby's self-view and for the meeting: opening them
// with the person's chosen devices, listing devices, a level meter, and the person's choices
// (devices, camera and microphone on or off) remembered in localStorage between the two pages.
"use strict";

window.SessionDevices = (() => {
  const STORAGE_KEY = "sessionRooms.devices";
  const LEFT_KEY = "sessionRooms.left";
  const DEFAULTS = { audio: true, video: true, camera: "", microphone: "", speaker: "" };

  function choices() {
    try {
      return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}") };
    } catch {
      return { ...DEFAULTS };
    }
  }

  function remember(changes) {
    const next = { ...choices(), ...changes };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Storage refused (private mode, quota): the choice holds for this page only.
    }
    return next;
  }

  // Leave says so, and the lobby that follows waits for a click before opening the camera again.
  function markLeft() {
    try { sessionStorage.setItem(LEFT_KEY, "1"); } catch { /* only a comfort */ }
  }

  function justLeft() {
    try {
      const left = sessionStorage.getItem(LEFT_KEY) === "1";
      sessionStorage.removeItem(LEFT_KEY);
      return left;
    } catch {
      return false;
    }
  }

  const supported = () => !!navigator.mediaDevices?.getUserMedia;
  const canPickSpeaker = () => "setSinkId" in HTMLMediaElement.prototype;

  function constraint(kind, deviceId) {
    if (kind === "audio") {
      const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
      return deviceId ? { ...audio, deviceId: { ideal: deviceId } } : audio;
    }
    const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    return deviceId ? { ...video, deviceId: { ideal: deviceId } } : video;
  }

  // What went wrong, in words a person can act on; `kind` is "camera", "microphone" or both.
  function describe(error, kind) {
    const what = kind || "camera and microphone";
    switch (error?.name) {
      case "NotAllowedError":
      case "SecurityError":
        return `Your browser is not letting this page use your ${what}. You can still join; to be seen or heard, allow the ${what} in your browser's site settings and reload.`;
      case "NotFoundError":
      case "OverconstrainedError":
        return `No ${what} was found. You can still join without it.`;
      case "NotReadableError":
      case "AbortError":
        return `Your ${what} is in use by another app or could not start. Close the other app and try again, or join without it.`;
      case "Unsupported":
        return "This browser cannot use a camera or microphone here. You can still join to see and hear the others.";
      default:
        return `Your ${what} could not start. You can still join without it.`;
    }
  }

  // Opens what is wanted; what fails is reported per kind instead of failing everything, so a
  // person without a camera still gets their microphone. Returns {stream, problems}.
  async function open(want) {
    const chosen = choices();
    const stream = new MediaStream();
    const problems = {};
    if (!want.audio && !want.video) return { stream, problems };
    if (!supported()) {
      const error = { name: "Unsupported" };
      if (want.audio) problems.audio = describe(error);
      if (want.video) problems.video = describe(error);
      return { stream, problems };
    }
    const request = async (audio, video) => navigator.mediaDevices.getUserMedia({
      audio: audio ? constraint("audio", chosen.microphone) : false,
      video: video ? constraint("video", chosen.camera) : false,
    });
    try {
      (await request(want.audio, want.video)).getTracks().forEach((t) => stream.addTrack(t));
      return { stream, problems };
    } catch (error) {
      if (!(want.audio && want.video) || error.name === "NotAllowedError") {
        const kind = want.audio && want.video ? "" : (want.audio ? "microphone" : "camera");
        if (want.audio) problems.audio = describe(error, kind);
        if (want.video) problems.video = describe(error, kind);
        return { stream, problems };
      }
    }
    // Both together failed: try each alone, and say which one is missing.
    for (const kind of ["audio", "video"]) {
      try {
        const alone = await request(kind === "audio", kind === "video");
        alone.getTracks().forEach((t) => stream.addTrack(t));
      } catch (error) {
        problems[kind] = describe(error, kind === "audio" ? "microphone" : "camera");
      }
    }
    return { stream, problems };
  }

  // One track of `kind` ("audio" or "video") from the chosen device, or an error message.
  async function openTrack(kind) {
    const { stream, problems } = await open({ audio: kind === "audio", video: kind === "video" });
    const track = stream.getTracks()[0] || null;
    return { track, problem: problems[kind] || null };
  }

  // {camera: [...], microphone: [...], speaker: [...]}, each {id, label}. Labels are empty
  // until the page has been allowed a device; numbered names stand in for them.
  async function list() {
    const lists = { camera: [], microphone: [], speaker: [] };
    if (!navigator.mediaDevices?.enumerateDevices) return lists;
    const names = { videoinput: "camera", audioinput: "microphone", audiooutput: "speaker" };
    for (const device of await navigator.mediaDevices.enumerateDevices()) {
      const key = names[device.kind];
      if (!key || !device.deviceId) continue;
      const label = device.label || `${key[0].toUpperCase()}${key.slice(1)} ${lists[key].length + 1}`;
      lists[key].push({ id: device.deviceId, label });
    }
    return lists;
  }

  // Fills a <select> with `devices`, the remembered one selected; hides its field if empty.
  function fill(select, devices, chosen) {
    select.replaceChildren(...devices.map((device) => {
      const option = new Option(device.label, device.id);
      option.selected = device.id === chosen;
      return option;
    }));
    const field = select.closest("[data-device-field]");
    if (field) field.hidden = devices.length === 0;
  }

  let audioContext = null;
  function context() {
    audioContext = audioContext || new AudioContext();
    if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
    return audioContext;
  }

  // Calls onLevel(0..1) about twelve times a second with the loudness of the stream's audio,
  // until the returned function is called. Each reading covers the whole time since the last
  // (4,096 samples, 85 ms at 48 kHz, read every 80 ms) and is its loudest 512-sample stretch:
  // a short sound between two readings still counts.
  function meter(stream, onLevel) {
    if (!stream.getAudioTracks().length) return () => {};
    const audio = context();
    const source = audio.createMediaStreamSource(stream);
    const analyser = audio.createAnalyser();
    analyser.fftSize = 4096;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const BLOCK = 512;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let loudest = 0;
      for (let start = 0; start < samples.length; start += BLOCK) {
        let sum = 0;
        for (let i = start; i < start + BLOCK; i++) sum += samples[i] * samples[i];
        loudest = Math.max(loudest, sum / BLOCK);
      }
      onLevel(Math.min(1, Math.sqrt(loudest) * 4));
    }, 80);
    return () => {
      clearInterval(timer);
      source.disconnect();
    };
  }

  function stopAll(stream) {
    stream?.getTracks().forEach((track) => track.stop());
  }

  async function setSpeaker(element, deviceId) {
    if (!canPickSpeaker() || element.sinkId === deviceId) return;
    try {
      await element.setSinkId(deviceId || "");
    } catch {
      // The device went away: the default output plays it.
    }
  }

  return {
    choices, remember, markLeft, justLeft, supported, canPickSpeaker, describe,
    open, openTrack, list, fill, meter, stopAll, setSpeaker,
  };
})();
