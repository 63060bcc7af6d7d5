// The little JavaScript Session Rooms owns. Everything works without it; it only adds comfort.
"use strict";

// Toasts fade away on their own: those in the page as it loads and those htmx swaps in later
// (htmx.onLoad sees the page's body once, then each piece of swapped content).
htmx.onLoad((content) => {
  const toasts = content.matches(".toast") ? [content] : content.querySelectorAll(".toast");
  for (const toast of toasts) setTimeout(() => toast.remove(), 6000);
});
