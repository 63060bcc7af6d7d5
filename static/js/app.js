// The little JavaScript Session Rooms owns. Everything works without it; it only adds comfort.
"use strict";

// Controls that need JavaScript (the Copy buttons) show only once it runs (app.css: .js-only).
document.documentElement.classList.add("js");

const TOAST_SECONDS = 6;

// The one way to show a toast: a message in the page's toast region (base.html's #toasts), which
// says it to screen readers and fades like the server's messages.
function showToast(message) {
  const region = document.getElementById("toasts");
  if (!region || !message) return;
  const toast = document.createElement("p");
  toast.className = "toast";
  toast.textContent = message;
  region.append(toast);
  setTimeout(() => toast.remove(), TOAST_SECONDS * 1000);
}

// Toasts fade away on their own: those in the page as it loads and those htmx swaps in later
// (htmx.onLoad sees the page's body once, then each piece of swapped content).
htmx.onLoad((content) => {
  const toasts = content.matches(".toast") ? [content] : content.querySelectorAll(".toast");
  for (const toast of toasts) setTimeout(() => toast.remove(), TOAST_SECONDS * 1000);
});

// A Copy button (rooms/link_field.html) puts its link on the clipboard and says so; where the
// clipboard is refused, the link is selected for Ctrl+C instead.
async function copyLink(button) {
  const input = document.getElementById(button.dataset.copy);
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    const menu = input.closest("details");
    if (menu) menu.open = true; // The link sits in the tile's menu: show it to select.
    input.focus();
    input.select();
    showToast("Press Ctrl+C to copy the selected link");
    return;
  }
  const text = button.querySelector(".copy-text");
  text.dataset.label ||= text.textContent;
  text.textContent = "Copied";
  button.classList.add("is-done");
  setTimeout(() => {
    text.textContent = text.dataset.label;
    button.classList.remove("is-done");
  }, 2000);
  showToast(button.dataset.copied);
}

document.addEventListener("click", (event) => {
  const copy = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (copy) copyLink(copy);
});

// Times in the viewer's own time zone, with the zone named (the page says UTC without this).
const LOCAL_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
});
document.addEventListener("DOMContentLoaded", () => {
  for (const time of document.querySelectorAll("time[data-local-time]")) {
    const moment = new Date(time.dateTime);
    if (!Number.isNaN(moment.getTime())) time.textContent = LOCAL_TIME.format(moment);
  }
});

// How long each waiting guest has waited, kept current between pushes (as rooms' `waited` says it).
function waitedFor(seconds) {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
setInterval(() => {
  for (const time of document.querySelectorAll("time[data-waited]")) {
    time.textContent = waitedFor((Date.now() - new Date(time.dateTime).getTime()) / 1000);
  }
}, 20_000);

// Menus (a <details data-menu>: the account menu, a room tile's): they open without JavaScript;
// with it, one is open at a time, and a click elsewhere or Escape closes it, Escape putting focus
// back on its button.
document.addEventListener(
  "toggle",
  (event) => {
    const menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.matches("[data-menu]") || !menu.open) return;
    for (const other of document.querySelectorAll("details[data-menu][open]")) {
      if (other !== menu) other.open = false;
    }
  },
  true,
);

document.addEventListener("pointerdown", (event) => {
  const inside = event.target instanceof Element ? event.target.closest("details[data-menu]") : null;
  for (const menu of document.querySelectorAll("details[data-menu][open]")) {
    if (menu !== inside) menu.open = false;
  }
});

document.addEventListener("keydown", (event) => {
  const menu = event.target instanceof Element ? event.target.closest("details[data-menu][open]") : null;
  if (event.key === "Escape" && menu) {
    event.preventDefault();
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
