// The waiting room in the browser: follow the host's "allowed" into the room, and let the owner
// and hosts turn on notifications (a browser notification and a short tone) on every page; the
// tab's title carries how many guests wait.
// The streams themselves are htmx's ws extension; this file only adds what HTML cannot say.
"use strict";

(() => {
  const STORAGE_KEY = "sessionRooms.notify";
  const DOCK_KEY = "sessionRooms.dockCollapsed"; // per tab: a collapsed list stays so on pushes
  let entering = false;
  let audio = null;

  function chime() {
    // A short two-note tone from an oscillator: no audio file to serve or to fail loading.
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const now = audio.currentTime;
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.45);
    const tone = audio.createOscillator();
    tone.type = "sine";
    tone.frequency.setValueAtTime(880, now);
    tone.frequency.setValueAtTime(1175, now + 0.15);
    tone.connect(gain);
    tone.start(now);
    tone.stop(now + 0.5);
  }

  function notificationsOn() {
    return "Notification" in window && Notification.permission === "granted"
      && localStorage.getItem(STORAGE_KEY) === "on";
  }

  function showToggle() {
    if (!("Notification" in window)) return;
    const on = notificationsOn();
    for (const toggle of document.querySelectorAll("[data-notify-toggle]")) {
      toggle.hidden = false;
      toggle.textContent = on ? "Notifications on" : "Turn on notifications";
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  async function toggleNotifications() {
    if (notificationsOn()) {
      localStorage.setItem(STORAGE_KEY, "off");
    } else {
      const permission = await Notification.requestPermission();
      localStorage.setItem(STORAGE_KEY, permission === "granted" ? "on" : "off");
      if (permission === "granted") chime();
    }
    showToggle();
  }

  // Guests waiting where this person decides: the owner's area (their rooms) and a host's panel
  // (this room); each region's first snapshot is what was already there, not news.
  const REGIONS = { owner: "#owner-requests", host: "#host-panel" };
  const seen = {}; // region → the request ids of its last snapshot
  const TOTALS = "#owner-requests[data-waiting-total], #host-panel [data-waiting-total]";
  const baseTitle = document.title;

  let notification = null; // The last one shown: it goes once nobody waits any more.

  function showWaitingInTitle() {
    let total = 0;
    for (const count of document.querySelectorAll(TOTALS)) total += Number(count.dataset.waitingTotal) || 0;
    document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
    if (!total && notification) {
      notification.close();
      notification = null;
    }
  }

  function announceNewRequests(region) {
    showWaitingInTitle();
    showDock();
    showToggle(); // A host panel's toggle comes back hidden with each render.
    const items = Array.from(document.querySelectorAll(`${REGIONS[region]} [data-request-id]`));
    const before = seen[region];
    seen[region] = new Set(items.map((item) => item.dataset.requestId));
    const fresh = before ? items.filter((item) => !before.has(item.dataset.requestId)) : [];
    if (!fresh.length || !notificationsOn()) return;
    chime();
    const first = fresh[0].dataset;
    const more = fresh.length > 1 ? ` and ${fresh.length - 1} more` : "";
    notification = new Notification(`${first.guestName}${more} wants to join`, { body: first.roomName, tag: "session-rooms" });
  }

  document.addEventListener("htmx:wsAfterMessage", (event) => {
    // Allowed: the guest stream pushed a link into the room; follow it, once. The Allow and the
    // room's unlocking can both push it, and entering gives the session a new key: a second
    // request that overtook the first would carry the old key, which entering just deleted.
    const enter = document.querySelector("[data-enter-room]");
    if (enter) {
      if (!entering) window.location.assign(enter.href);
      entering = true;
      return;
    }
    const stream = event.target.closest("[data-owner-stream], [data-host-stream]");
    if (stream) announceNewRequests(stream.matches("[data-owner-stream]") ? "owner" : "host");
  });

  function showDock() {
    const toggle = document.querySelector("[data-dock-toggle]");
    const body = document.getElementById("owner-requests-body");
    if (!toggle || !body) return;
    const collapsed = sessionStorage.getItem(DOCK_KEY) === "1";
    body.hidden = collapsed;
    toggle.hidden = false;
    toggle.textContent = collapsed ? "Show" : "Hide";
    toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    toggle.setAttribute("aria-label", collapsed ? "Show the guests waiting" : "Hide the guests waiting");
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-notify-toggle]");
    if (toggle) toggleNotifications();
    if (event.target.closest("[data-dock-toggle]")) {
      sessionStorage.setItem(DOCK_KEY, sessionStorage.getItem(DOCK_KEY) === "1" ? "0" : "1");
      showDock();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    showToggle();
    showWaitingInTitle();
    showDock();
  });
  // An Allow or Deny answered by htmx swaps the list in place: the title follows.
  document.addEventListener("htmx:afterSwap", () => {
    showWaitingInTitle();
    showToggle();
    showDock();
  });
})();
