// The little JavaScript Session Rooms owns. Everything works without it; it only adds comfort.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Toasts from the server fade away on their own.
  for (const toast of document.querySelectorAll(".toast")) {
    setTimeout(() => toast.remove(), 6000);
  }
});
