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
    input.focus();
    input.select();
    showToast("Press Ctrl+C to copy the selected link");
    return;
  }
  const text = button.querySelector(".copy-text");
  text.textContent = "Copied";
  button.classList.add("is-done");
  setTimeout(() => {
    text.textContent = "Copy";
    button.classList.remove("is-done");
  }, 2000);
  showToast(button.dataset.copied);
}

document.addEventListener("click", (event) => {
  const copy = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (copy) copyLink(copy);
});
