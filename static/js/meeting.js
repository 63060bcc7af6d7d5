// The meeting on the room page: the grid of tiles, the controls, the host's menu per person, and
// what the server says (muted, closed). It talks to the meeting socket for the roster and to a
// transport (mesh.js, or janus.js when the page's config says so) only through start/replaceTrack/shareScreen/stopScreen/close and
// its stream, peer-gone and state events, so a media-server transport can replace the mesh.
"use strict";

(() => {
  const Devices = window.SessionDevices;
  const SPEAKING = 0.06; // Level (0..1) above which a tile shows that its person speaks.
  const SPEAKING_HOLD = 600; // ms the indicator stays after the level drops.

  let config, signalling, transport, grid, csrf;
  let me = { id: null, media: false };
  let roster = [];
  const local = { stream: new MediaStream(), screen: null, audio: false, video: false, opened: false, attempt: 0 };
  const tiles = new Map(); // key ("self", peer id, "screen:<peer id>") -> tile
  // peer id -> their streams by id: the roster's `screen` says which one is a shared screen.
  const remote = new Map();
  const screens = new WeakSet(); // Streams the transport said are shared screens.
  let over = false;
  let soundBlocked = false;

  const $ = (selector, root = document) => root.querySelector(selector);

  // Notices and toasts

  function toast(text, kind = "") {
    const region = document.getElementById("toasts");
    if (!region) return;
    const item = document.createElement("p");
    item.className = `toast${kind ? ` toast-${kind}` : ""}`;
    item.textContent = text;
    region.append(item);
    setTimeout(() => item.remove(), 6000);
  }

  function notice(key, text, action) {
    const box = $("[data-meeting-notices]");
    let item = box.querySelector(`[data-notice="${key}"]`);
    if (!text) {
      item?.remove();
      return;
    }
    if (!item) {
      item = document.createElement("p");
      item.className = "meeting-notice";
      item.dataset.notice = key;
      box.append(item);
    }
    item.replaceChildren(text);
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = action.label;
      button.addEventListener("click", action.run);
      item.append(" ", button);
    }
  }

  function status(text) {
    $("[data-meeting-status]").textContent = text;
  }

  // Tiles

  function initials(name) {
    const words = name.trim().split(/\s+/).filter(Boolean);
    const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || "?").slice(0, 2);
    return letters.toUpperCase();
  }

  function makeTile(key, label, { self = false, screen = false } = {}) {
    const figure = document.createElement("figure");
    figure.className = `video-tile${self ? " is-self" : ""}${screen ? " is-screen" : ""}`;
    const nameId = `tile-name-${key.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
    figure.setAttribute("aria-labelledby", nameId);
    figure.dataset.tile = key;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.muted = self || soundBlocked;
    const face = document.createElement("span");
    face.className = "tile-initials";
    face.setAttribute("aria-hidden", "true");
    const caption = document.createElement("figcaption");
    caption.className = "tile-caption";
    const name = document.createElement("span");
    name.className = "tile-name";
    name.id = nameId;
    name.textContent = label;
    const muted = document.createElement("span");
    muted.className = "tile-muted";
    muted.hidden = true;
    muted.innerHTML = '<svg class="icon" aria-hidden="true"><use href="#icon-mic-off"></use></svg>';
    muted.append("Muted");
    caption.append(name, muted);
    figure.append(video, face, caption);
    const tile = { key, figure, video, face, name, muted, stopMeter: () => {}, meterStream: null };
    tiles.set(key, tile);
    if (!screen) speakerFor(video);
    return tile;
  }

  function speakerFor(video) {
    const speaker = Devices.choices().speaker;
    if (speaker && !video.muted) Devices.setSpeaker(video, speaker);
  }

  function play(tile, stream) {
    if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
    tile.video.play().catch(() => {
      if (tile.video.muted) return;
      // Autoplay with sound refused until the person clicks: play silently, offer the sound.
      soundBlocked = true;
      tile.video.muted = true;
      tile.video.play().catch(() => {});
      notice("sound", "Your browser paused the others' sound.", { label: "Turn on sound", run: allowSound });
    });
    if (stream.getAudioTracks().length && tile.meterStream !== stream) {
      tile.stopMeter();
      tile.meterStream = stream;
      let loudAt = 0;
      tile.stopMeter = Devices.meter(stream, (level) => {
        if (level > SPEAKING) loudAt = performance.now();
        showSpeaking(tile, performance.now() - loudAt < SPEAKING_HOLD && !tile.figure.classList.contains("is-muted"));
      });
    }
  }

  function showSpeaking(tile, speaking) {
    tile.figure.classList.toggle("is-speaking", speaking);
    tile.figure.dataset.speaking = speaking ? "true" : "false";
  }

  function allowSound() {
    soundBlocked = false;
    for (const tile of tiles.values()) {
      if (tile.key === "self" || tile.key === "screen:self") continue;
      tile.video.muted = false;
      tile.video.play().catch(() => {});
    }
    notice("sound", null);
  }

  function removeTile(key) {
    const tile = tiles.get(key);
    if (!tile) return;
    tile.stopMeter();
    tile.video.srcObject = null;
    tile.figure.remove();
    tiles.delete(key);
  }

  function showState(tile, { audio, video, name }) {
    tile.muted.hidden = audio;
    tile.figure.classList.toggle("is-muted", !audio);
    if (!audio) showSpeaking(tile, false); // At once, not at the meter's next reading.
    tile.figure.classList.toggle("camera-off", !video);
    tile.face.textContent = initials(name);
  }

  // The grid follows the roster: a tile for everyone with media, screens first, yours first.
  function render() {
    const people = roster.filter((p) => p.media);
    const wanted = [];
    for (const person of people) {
      if (!person.screen) continue;
      const self = person.id === me.id;
      const key = self ? "screen:self" : `screen:${person.id}`;
      if (self && local.screen) {
        const tile = tiles.get(key) || makeTile(key, `Screen shared by ${config.name} (you)`, { self: true, screen: true });
        play(tile, local.screen);
        wanted.push(tile);
      } else if (!self && streamsOf(person).screen) {
        const tile = tiles.get(key) || makeTile(key, `Screen shared by ${person.name}`, { screen: true });
        tile.name.textContent = `Screen shared by ${person.name}`;
        tile.video.muted = true; // A shared screen carries no sound here.
        play(tile, streamsOf(person).screen);
        wanted.push(tile);
      }
    }
    for (const person of people) {
      if (person.id === me.id) {
        const tile = tiles.get("self") || makeTile("self", `${config.name} (you)`, { self: true });
        showState(tile, { audio: local.audio, video: local.video, name: config.name });
        if (local.stream.getTracks().length) play(tile, local.stream);
        wanted.unshift(tile);
        continue;
      }
      const tile = tiles.get(person.id) || makeTile(person.id, person.name);
      tile.name.textContent = person.name;
      showState(tile, person);
      const { camera } = streamsOf(person);
      if (camera) play(tile, camera);
      if (config.is_host) hostMenu(tile, person);
      wanted.push(tile);
    }
    const keep = new Set(wanted.map((t) => t.key));
    for (const key of [...tiles.keys()]) if (!keep.has(key)) removeTile(key);
    // Screens first, then yours, then everyone in the order they came.
    const ordered = [...wanted.filter((t) => t.figure.classList.contains("is-screen")),
      ...wanted.filter((t) => !t.figure.classList.contains("is-screen"))];
    // Order by CSS, not by moving elements: a <video> taken out of the page pauses.
    ordered.forEach((tile, index) => {
      tile.figure.style.order = String(index);
      if (!tile.figure.isConnected) grid.append(tile.figure);
      if (tile.video.srcObject && tile.video.paused) tile.video.play().catch(() => {});
    });
    grid.dataset.count = String(ordered.filter((t) => !t.figure.classList.contains("is-screen")).length);
    grid.classList.toggle("has-screen", ordered.some((t) => t.figure.classList.contains("is-screen")));
  }

  // The host's menu on each other person's tile.

  function hostMenu(tile, person) {
    if (tile.menu) {
      tile.menu.person = person;
      tile.menu.waiting.hidden = !config.locked;
      return;
    }
    const wrap = document.createElement("div");
    wrap.className = "tile-menu";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tile-menu-button";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", `Options for ${person.name}`);
    button.innerHTML = '<svg class="icon" aria-hidden="true"><use href="#icon-more"></use></svg>';
    const list = document.createElement("div");
    list.className = "tile-menu-list";
    list.setAttribute("role", "menu");
    list.setAttribute("aria-label", `Options for ${person.name}`);
    list.hidden = true;
    const item = (label, run) => {
      const entry = document.createElement("button");
      entry.type = "button";
      entry.setAttribute("role", "menuitem");
      entry.textContent = label;
      entry.addEventListener("click", () => {
        closeMenus();
        run(tile.menu.person);
      });
      list.append(entry);
      return entry;
    };
    item("Mute", (p) => hostPost(config.mute, p));
    item("Remove from room", (p) => openDialog(config.remove.replace("PEER", p.id)));
    const waiting = item("Send to waiting room", (p) => hostPost(config.send_to_waiting, p));
    waiting.hidden = !config.locked;
    button.addEventListener("click", () => {
      const open = list.hidden;
      closeMenus();
      if (open) {
        list.hidden = false;
        button.setAttribute("aria-expanded", "true");
        list.querySelector("[role=menuitem]:not([hidden])")?.focus();
      }
    });
    list.addEventListener("keydown", (event) => {
      const items = [...list.querySelectorAll("[role=menuitem]:not([hidden])")];
      const at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        closeMenus();
        button.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        items[(at + step + items.length) % items.length]?.focus();
      }
    });
    wrap.append(button, list);
    tile.figure.append(wrap);
    tile.menu = { person, waiting, button, list };
  }

  function closeMenus() {
    for (const tile of tiles.values()) {
      if (!tile.menu) continue;
      tile.menu.list.hidden = true;
      tile.menu.button.setAttribute("aria-expanded", "false");
    }
  }

  async function hostPost(template, person) {
    const url = template.replace("PEER", person.id);
    const response = await fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
    if (response.status === 404) toast(`${person.name} has already left.`);
    else if (!response.ok) toast((await response.text()) || "That did not work. Please try again.", "error");
  }

  // Confirmation dialogs come from the server (rooms/remove_dialog.html, end_dialog.html).
  async function openDialog(url) {
    const box = document.getElementById("meeting-dialog");
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!response.ok) {
      toast(response.status === 404 ? "That person has already left." : "That did not work. Please try again.");
      return;
    }
    box.innerHTML = await response.text();
    box.showModal();
    box.querySelector(".button-danger, button")?.focus();
  }

  function isConfirmation(link) {
    if (!config.is_host || link.origin !== location.origin) return false;
    const remove = config.remove.split("PEER");
    const path = link.pathname;
    return link.hasAttribute("data-dialog") || path === config.end
      || (path.startsWith(remove[0]) && path.endsWith(remove[1]));
  }

  async function submitForm(form) {
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), headers: { "X-CSRFToken": csrf }, credentials: "same-origin",
    });
    if (response.status === 404) toast("That person has already left.");
    else if (!response.ok) toast((await response.text()) || "That did not work. Please try again.", "error");
  }

  async function submitDialog(form) {
    form.closest("dialog").close();
    await submitForm(form);
  }

  // Your camera, microphone and screen

  function sendState() {
    signalling.send({
      type: "state", audio: local.audio, video: local.video, screen: local.screen ? local.screen.id : null,
    });
  }

  function showControls() {
    for (const kind of ["audio", "video"]) {
      const button = $(`[data-control=${kind}]`);
      button.setAttribute("aria-pressed", local[kind] ? "true" : "false");
      const icon = kind === "audio" ? (local.audio ? "#icon-mic" : "#icon-mic-off") : (local.video ? "#icon-camera" : "#icon-camera-off");
      button.querySelector("use").setAttribute("href", icon);
    }
    const screen = $("[data-control=screen]");
    screen.hidden = !navigator.mediaDevices?.getDisplayMedia || !me.media;
    $("[data-label]", screen).textContent = local.screen ? "Stop sharing" : "Share screen";
    screen.classList.toggle("is-active", !!local.screen);
    const disabled = !me.media;
    for (const control of document.querySelectorAll("[data-control=audio], [data-control=video]")) {
      control.disabled = disabled;
    }
  }

  function track(kind) {
    return local.stream.getTracks().find((t) => t.kind === kind) || null;
  }

  // Turns one of your devices on (opening it if needed) or off; a camera that is off is
  // stopped, so its light goes out. The choice is remembered for the next visit.
  async function setDevice(kind, on) {
    const label = kind === "audio" ? "microphone" : "camera";
    if (on && !track(kind)) {
      const { track: opened, problem } = await Devices.openTrack(kind);
      if (!opened) {
        notice("devices", problem);
        on = false;
      } else {
        notice("devices", null);
        local.stream.addTrack(opened);
        transport.replaceTrack(kind, opened);
      }
    }
    const current = track(kind);
    if (kind === "audio" && current) current.enabled = on;
    if (kind === "video" && !on && current) {
      current.stop();
      local.stream.removeTrack(current);
      transport.replaceTrack("video", null);
    }
    local[kind] = on && !!track(kind);
    Devices.remember({ [kind]: on });
    showControls();
    sendState();
    render();
    const self = tiles.get("self");
    if (self && kind === "video") {
      self.video.srcObject = null;
      if (local.stream.getTracks().length) play(self, local.stream);
    }
    return label;
  }

  // Opened as the page starts, before the socket's welcome says whether this person has media
  // (nearly always): the camera and the socket then start together instead of one after the
  // other. A welcome without media closes them again.
  async function openDevices() {
    if (local.opened || (me.id && !me.media)) return;
    local.opened = true;
    const attempt = ++local.attempt;
    const chosen = Devices.choices();
    const { stream, problems } = await Devices.open({ audio: chosen.audio, video: chosen.video });
    // Left, or told "no media" (or closed and reopened) while the devices opened.
    if (over || attempt !== local.attempt) return Devices.stopAll(stream);
    performance.mark("meeting:devices");
    for (const opened of stream.getTracks()) {
      local.stream.addTrack(opened);
      transport.replaceTrack(opened.kind, opened);
    }
    local.audio = !!track("audio");
    local.video = !!track("video");
    const text = [...new Set(Object.values(problems).filter(Boolean))].join(" ");
    notice("devices", text || null);
    showControls();
    sendState();
    render();
  }

  function closeDevices() {
    Devices.stopAll(local.stream);
    for (const t of local.stream.getTracks()) local.stream.removeTrack(t);
    Devices.stopAll(local.screen);
    local.screen = null;
    local.audio = local.video = false;
    local.opened = false;
    local.attempt += 1;
  }

  async function toggleScreen() {
    if (local.screen) return stopScreen();
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      if (error.name !== "NotAllowedError") toast("Your screen could not be shared.", "error");
      return;
    }
    local.screen = stream;
    stream.getVideoTracks()[0]?.addEventListener("ended", stopScreen);
    sendState(); // First the roster learns which stream is a screen, then the stream comes.
    transport.shareScreen(stream);
    showControls();
    render();
  }

  function stopScreen() {
    if (!local.screen) return;
    Devices.stopAll(local.screen);
    local.screen = null;
    transport.stopScreen();
    sendState();
    showControls();
    render();
  }

  // Device settings: the lobby's pickers in a dialog.
  async function openSettings() {
    const box = document.getElementById("device-dialog");
    const devices = await Devices.list();
    const chosen = Devices.choices();
    Devices.fill($("[data-pick=camera]", box), devices.camera, track("video")?.getSettings().deviceId || chosen.camera);
    Devices.fill($("[data-pick=microphone]", box), devices.microphone, track("audio")?.getSettings().deviceId || chosen.microphone);
    Devices.fill($("[data-pick=speaker]", box), Devices.canPickSpeaker() ? devices.speaker : [], chosen.speaker);
    const none = !devices.camera.length && !devices.microphone.length;
    const problem = $("[data-device-problem]", box);
    problem.hidden = !none;
    problem.textContent = none ? "No camera or microphone was found." : "";
    box.showModal();
  }

  async function pickDevice(select) {
    const which = select.dataset.pick;
    Devices.remember({ [which]: select.value });
    if (which === "speaker") {
      for (const tile of tiles.values()) if (!tile.video.muted) Devices.setSpeaker(tile.video, select.value);
      return;
    }
    const kind = which === "camera" ? "video" : "audio";
    if (!local[kind]) return; // Used when it is turned on.
    const old = track(kind);
    const { track: opened, problem } = await Devices.openTrack(kind);
    if (!opened) return notice("devices", problem);
    if (old) {
      old.stop();
      local.stream.removeTrack(old);
    }
    local.stream.addTrack(opened);
    transport.replaceTrack(kind, opened);
    const self = tiles.get("self");
    if (self) {
      self.video.srcObject = null;
      play(self, local.stream);
    }
  }

  // What the server says

  function welcome(message) {
    performance.mark("meeting:welcome");
    me = { id: message.id, media: message.media };
    status("");
    meshNotice(message.media, message.mesh_limit);
    if (message.media) openDevices();
    else closeDevices();
    showControls();
  }

  function meshNotice(media, limit) {
    notice("mesh", media ? null
      : `Video and sound in this room are available for up to ${limit} people, and ${limit} are using them. You are in the room and can see who is here; a larger meeting needs a larger-room setup. You get video as soon as someone leaves.`);
  }

  function gotRoster(message) {
    roster = message.peers;
    const mine = roster.find((p) => p.id === me.id);
    if (mine && mine.media !== me.media) {
      me.media = mine.media;
      meshNotice(me.media, config.mesh_limit);
      if (me.media) openDevices();
      else closeDevices();
      showControls();
    }
    render();
  }

  function mutedByHost(message) {
    const current = track("audio");
    if (current) current.enabled = false;
    local.audio = false;
    Devices.remember({ audio: false });
    showControls();
    sendState();
    render();
    toast(`${message.by} turned your microphone off. Only you can turn it on again.`);
  }

  const ENDINGS = {
    removed: ["A host removed you from the room", "To come back, ask to join again from the lobby.", true],
    ended: ["The meeting has ended", "A host ended the meeting for everyone.", true],
    links: ["This link has changed", "The owner generated new links for this room, so this one no longer works. Ask them for the new link.", false],
    deleted: ["This room has been deleted", "The owner deleted this room, so its links no longer work.", false],
    logout: ["You logged out", "You left the room when you logged out.", true],
    left: ["You left the room", "You left the room from another tab or window.", true],
    sockets: ["Too many windows open", "This browser, or your network, has as many windows open in this room as it may. Close some of them, then reload this one.", false],
    error: ["The connection to the meeting closed", "Something went wrong with the connection. Reload the page to join again.", false],
  };

  // The owner generated new links: this page's link is an old one, but the owner stays. The
  // page moves to the same room on the new link (a reload: the meeting reconnects there).
  function moved(message) {
    endMeeting();
    location.replace(message.url);
  }

  function finish({ code, reason }) {
    if (over) return;
    if (code === 4403 && !reason) reason = "waiting";
    if (code === 4404 && !reason) reason = "links";
    if (code === 4409 && !reason) reason = "sockets";
    if (!reason && code !== 4410) reason = "error";
    endMeeting();
    if (reason === "waiting") {
      location.assign(config.lobby);
      return;
    }
    const [title, text, lobby] = ENDINGS[reason] || ENDINGS.ended;
    const box = $("[data-meeting-over]");
    if (!box) return;
    const heading = document.createElement("h2");
    heading.textContent = title;
    heading.tabIndex = -1;
    const body = document.createElement("p");
    body.textContent = text;
    box.replaceChildren(heading, body);
    if (lobby) {
      const link = document.createElement("a");
      link.className = "button";
      link.href = config.lobby;
      link.textContent = "Back to the lobby";
      box.append(link);
    } else if (reason === "error" || reason === "sockets") {
      const link = document.createElement("a");
      link.className = "button";
      link.href = location.href;
      link.textContent = "Reload";
      box.append(link);
    }
    box.hidden = false;
    box.setAttribute("role", "alert");
    $("[data-meeting-controls]").hidden = true;
    heading.focus();
  }

  function endMeeting() {
    over = true;
    transport.close();
    signalling.close();
    closeDevices();
    for (const key of [...tiles.keys()]) removeTile(key);
    $("[data-meeting-notices]")?.replaceChildren();
    status("");
  }

  // The transport's events

  // Streams are kept by person, and the roster decides where they show: a stream may come
  // before the roster that names its person or says it is a screen.
  function gotStream({ peer, stream, kind }) {
    if (kind === "screen") screens.add(stream); // Janus says which; a mesh's roster does.
    if (!remote.has(peer)) remote.set(peer, new Map());
    remote.get(peer).set(stream.id, stream);
    render();
  }

  function streamsOf(person) {
    const streams = [...(remote.get(person.id)?.values() || [])].filter((s) => s.getTracks().length);
    return {
      screen: streams.find((s) => s.id === person.screen || screens.has(s)) || null,
      camera: streams.find((s) => s.id !== person.screen && !screens.has(s)) || null,
    };
  }

  function peerGone({ peer }) {
    remote.delete(peer);
    removeTile(peer);
    removeTile(`screen:${peer}`);
  }

  function transportState(state) {
    if (over) return;
    status(state === "reconnecting" ? "Reconnecting…" : "");
  }

  // The page

  document.addEventListener("DOMContentLoaded", () => {
    const data = document.getElementById("meeting");
    grid = $("[data-grid]");
    if (!data || !grid) return;
    config = JSON.parse(data.textContent);
    csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    document.documentElement.classList.add("js");
    for (const element of document.querySelectorAll("[data-js-only]")) element.hidden = false;
    local.audio = local.video = false;

    signalling = new window.SessionSignalling.Signalling(config.stream);
    const Transport = config.transport === "janus" ? window.SessionJanus.Janus : window.SessionMesh.Mesh;
    transport = new Transport(signalling);
    transport.start(local.stream);
    transport.addEventListener("stream", (event) => gotStream(event.detail));
    transport.addEventListener("peer-gone", (event) => peerGone(event.detail));
    transport.addEventListener("state", (event) => transportState(event.detail));
    signalling.addEventListener("open", () => {
      performance.mark("meeting:socket-open");
      if (local.opened) sendState();
    });
    signalling.addEventListener("message", (event) => {
      const message = event.detail;
      if (message.type === "welcome") welcome(message);
      else if (message.type === "roster") gotRoster(message);
      else if (message.type === "muted") mutedByHost(message);
      else if (message.type === "moved") moved(message);
    });
    signalling.addEventListener("closed", (event) => finish(event.detail));
    showControls();
    openDevices();

    document.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      const control = target.closest("[data-control]");
      if (control?.dataset.control === "audio") setDevice("audio", !local.audio);
      else if (control?.dataset.control === "video") setDevice("video", !local.video);
      else if (control?.dataset.control === "screen") toggleScreen();
      else if (control?.dataset.control === "settings") openSettings();
      // The host panel's "End meeting for all" and "Deny all" (data-dialog) and the people
      // list's "Remove from room" are links to confirmation pages; here they open as dialogs.
      const confirm = target.closest("a[href]");
      if (confirm && isConfirmation(confirm)) {
        event.preventDefault();
        confirm.closest("details")?.removeAttribute("open");
        openDialog(confirm.href);
      }
      const close = target.closest("[data-dialog-close]");
      if (close?.closest("dialog")) {
        event.preventDefault();
        close.closest("dialog").close();
      }
      if (!target.closest(".tile-menu")) closeMenus();
    });
    document.addEventListener("change", (event) => {
      const pick = event.target.closest?.("#device-dialog [data-pick]");
      if (pick) pickDevice(pick);
    });
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.closest(".person-menu")) {
        // The people list's Mute and Send to waiting room: posted in place, the meeting stays.
        event.preventDefault();
        form.closest("details")?.removeAttribute("open");
        submitForm(form);
      } else if (form.closest("#meeting-dialog")) {
        event.preventDefault();
        submitDialog(form);
      } else if (form.matches("[data-leave]")) {
        // Leave: every local track stops first (the camera light goes out), then the post.
        Devices.markLeft();
        endMeeting();
      }
    });
    document.getElementById("meeting-dialog").addEventListener("close", (event) => event.target.replaceChildren());
    window.addEventListener("pagehide", () => {
      if (!over) closeDevices();
    });
  });
})();
