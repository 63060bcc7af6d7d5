// The meeting socket (docs/meeting.md): JSON messages in and out, reconnecting with back-off
// after a network blip or a server restart, never after the server's own 44xx refusals.
"use strict";

window.SessionSignalling = (() => {
  const BACKOFF = [500, 1000, 2000, 4000, 8000];

  // Events: "open" (each time the socket opens), "message" (detail: the parsed message),
  // "reconnecting" (detail: {code, delay}), "closed" (detail: {code, reason}: final).
  class Signalling extends EventTarget {
    constructor(path) {
      super();
      this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
      this.attempt = 0;
      this.finished = false;
      this.reason = null; // The server's `closed` reason, just before it closes.
      this.connect();
      // Leaving the page is not a blip: no reconnect as it unloads.
      window.addEventListener("pagehide", () => this.close());
    }

    connect() {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.addEventListener("open", () => {
        this.attempt = 0;
        this.dispatchEvent(new Event("open"));
      });
      socket.addEventListener("message", (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message.type === "closed") this.reason = message.reason;
        this.dispatchEvent(new CustomEvent("message", { detail: message }));
      });
      socket.addEventListener("close", (event) => {
        if (socket !== this.socket || this.finished) return;
        // 4xxx: the server decided (refused, removed, ended, a bad message): say so, stay closed.
        if (event.code >= 4000 && event.code < 5000) {
          this.finished = true;
          this.dispatchEvent(new CustomEvent("closed", { detail: { code: event.code, reason: this.reason } }));
          return;
        }
        const base = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
        const delay = base / 2 + Math.random() * base / 2;
        this.attempt += 1;
        this.dispatchEvent(new CustomEvent("reconnecting", { detail: { code: event.code, delay } }));
        this.timer = setTimeout(() => this.connect(), delay);
      });
    }

    send(message) {
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
    }

    get open() {
      return this.socket?.readyState === WebSocket.OPEN;
    }

    close() {
      this.finished = true;
      clearTimeout(this.timer);
      this.socket?.close(1000);
    }
  }

  return { Signalling };
})();
