// The waiting room in the browser: follow the host's "allowed" into the room, and let the owner
// turn on notifications (a browser notification and a short tone).
// The streams themselves are htmx's ws extension; this file only adds what HTML cannot say.
"use strict";

(() => {
  const STORAGE_KEY = "sessionRooms.notify";
  let audio = null;
  let seenRequests = null; // null until the owner stream's first snapshot.

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
    const toggle = document.querySelector("[data-notify-toggle]");
    if (!toggle || !("Notification" in window)) return;
    toggle.hidden = false;
    const on = notificationsOn();
    toggle.textContent = on ? "Notifications on" : "Turn on notifications";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
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

  function announceNewRequests() {
    const items = document.querySelectorAll("#owner-requests [data-request-id]");
    const ids = new Set(Array.from(items, (item) => item.dataset.requestId));
    const fresh = seenRequests ? Array.from(items).filter((i) => !seenRequests.has(i.dataset.requestId)) : [];
    seenRequests = ids;
    if (!fresh.length || !notificationsOn()) return;
    chime();
    const first = fresh[0].dataset;
    const more = fresh.length > 1 ? ` and ${fresh.length - 1} more` : "";
    new Notification(`${first.guestName}${more} wants to join`, { body: first.roomName, tag: "session-rooms" });
  }

  document.addEventListener("htmx:wsAfterMessage", (event) => {
    // Allowed: the guest stream pushed a link into the room; follow it.
    const enter = document.querySelector("[data-enter-room]");
    if (enter) {
      window.location.assign(enter.href);
      return;
    }
    if (event.target.closest("[data-owner-stream]")) announceNewRequests();
  });

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-notify-toggle]");
    if (toggle) toggleNotifications();
  });

  document.addEventListener("DOMContentLoaded", showToggle);
})();
