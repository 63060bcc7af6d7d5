// Dashboard comfort: rename in place, dialogs and where focus goes (copy buttons and toasts are
// app.js's). Every action still works without this file, as a plain form post or page.
"use strict";

const dialog = () => document.getElementById("dialog");
let opener = { id: "", neighbour: "" };
let focusAfterClose = null;

// Rename: the pencil turns the title into the tile's rename form; Escape puts everything back.
function startRename(tile) {
  tile.querySelector(".tile-title").hidden = true;
  const form = tile.querySelector(".rename-form");
  form.hidden = false;
  const input = form.querySelector("input[name=name]");
  input.focus();
  input.select();
}

function cancelRename(tile) {
  const form = tile.querySelector(".rename-form");
  const input = form.querySelector("input[name=name]");
  input.value = form.dataset.original;
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
  form.querySelector(".field-error")?.remove();
  form.hidden = true;
  tile.querySelector(".tile-title").hidden = false;
  tile.querySelector("[data-rename-toggle]").focus();
  // Leave the no-JavaScript `?rename=` state, so a reload does not reopen the editor.
  if (new URLSearchParams(location.search).has("rename")) {
    history.replaceState(null, "", location.pathname);
  }
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const toggle = target.closest("[data-rename-toggle]");
  if (toggle) {
    event.preventDefault();
    startRename(toggle.closest(".tile"));
    return;
  }
  const cancel = target.closest("[data-rename-cancel]");
  if (cancel) {
    event.preventDefault();
    cancelRename(cancel.closest(".tile"));
    return;
  }
  const close = target.closest("[data-dialog-close]");
  if (close && close.closest("dialog")) {
    event.preventDefault();
    close.closest("dialog").close();
    return;
  }
  // Remember who opened a dialog, and the tile beside it in case this one is deleted. From a
  // tile's menu, the menu closes and its button takes focus back when the dialog closes.
  const dialogOpener = target.closest("[aria-haspopup=dialog]");
  if (dialogOpener) {
    const item = dialogOpener.closest(".tile")?.closest("li"); // Not the menu's own <li>.
    const beside = item?.nextElementSibling || item?.previousElementSibling;
    const menu = dialogOpener.closest(".room-menu");
    if (menu) menu.open = false;
    const back = menu ? menu.querySelector("summary") : dialogOpener;
    opener = { id: back.id, neighbour: beside?.querySelector(".tile")?.id || "" };
  }
});

document.addEventListener("keydown", (event) => {
  const input = event.target instanceof Element ? event.target.closest(".rename-form input") : null;
  if (input && event.key === "Escape") {
    event.preventDefault();
    cancelRename(input.closest(".tile"));
  }
});

// A dialog's content arrived: open it modally and move focus to its first control, or to the
// field with an error when the server sent the form back.
document.addEventListener("htmx:afterSettle", (event) => {
  const box = dialog();
  if (!box || event.detail.target !== box || !box.firstElementChild) return;
  if (!box.open) box.showModal();
  const first = box.querySelector(
    "[aria-invalid=true], input:not([type=hidden]), select, textarea, button, a[href]",
  );
  first?.focus();
  // A proposed name is selected, so typing replaces it and arrow keys keep it.
  if (first instanceof HTMLInputElement && first.type === "text") first.select();
});

// The server finished a dialog's action (HX-Trigger-After-Settle: dialog-done).
document.addEventListener("dialog-done", (event) => {
  const { message, focus } = event.detail;
  focusAfterClose = focus || opener.neighbour || "id_name";
  showToast(message);
  dialog()?.close();
});

document.addEventListener("DOMContentLoaded", () => {
  const box = dialog();
  if (!box) return;
  // Escape (the dialog's cancel), Cancel and a finished action all end here: back to the opener.
  box.addEventListener("close", () => {
    box.replaceChildren();
    const id = focusAfterClose || opener.id;
    focusAfterClose = null;
    document.getElementById(id)?.focus();
  });
});

// Waiting badges: the owner stream sends how many wait at each room that has guests waiting;
// every tile on the page takes its count (none listed: nobody waits), whichever page added it.
document.addEventListener("htmx:wsAfterMessage", (event) => {
  if (!event.target.closest("[data-owner-stream]")) return;
  const counts = new Map(
    Array.from(document.querySelectorAll("#waiting-counts [data-room]"), (room) => [room.dataset.room, Number(room.dataset.count)]),
  );
  for (const badge of document.querySelectorAll("[data-waiting-badge]")) {
    const count = counts.get(badge.dataset.waitingBadge) || 0;
    badge.textContent = `${count} waiting`;
    badge.hidden = !count;
  }
});

// A room was created (HX-Trigger-After-Settle: room-created): say so, and put focus on its tile
// (the form it came from was replaced, which would leave focus on <body>).
document.addEventListener("room-created", (event) => {
  showToast(event.detail.message);
  document.getElementById(event.detail.focus)?.focus();
});

// With JavaScript the filters apply as they change: the Apply button is for pages without it.
document.addEventListener("DOMContentLoaded", () => {
  const apply = document.querySelector("[data-filters-apply]");
  if (apply) apply.hidden = true;
});
