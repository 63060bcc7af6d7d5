// The Janus transport: each person publishes their camera once to Janus's VideoRoom (with three
// simulcast layers) and receives everyone else's through one multistream subscription; a shared
// screen is a publisher of its own. The meeting socket gives the credential (the `welcome`'s
// `janus`: server, room, token) and renews it; meeting.js sees the same interface as the mesh
// (docs/meeting.md), so the page, the controls and the host menu do not know which it talks to.
// A Janus that restarts or drops the socket: "reconnecting", a fresh credential, everything
// built again (the app recreates the VideoRoom), with no reload.
"use strict";

window.SessionJanus = (() => {
  const VIDEOROOM = "janus.plugin.videoroom";
  const KEEPALIVE = 25000; // ms; Janus forgets a silent session after 60 s.
  const BACKOFF = [500, 1000, 2000, 4000, 8000];
  // The camera's layers: the subscriber picks one per tile size (SUBSTREAM_FOR).
  const SIMULCAST = [
    { rid: "h", maxBitrate: 900_000 },
    { rid: "m", scaleResolutionDownBy: 2, maxBitrate: 300_000 },
    { rid: "l", scaleResolutionDownBy: 4, maxBitrate: 100_000 },
  ];
  // The layer a subscriber asks for, by how many cameras it shows: big tiles for few people.
  const SUBSTREAM_FOR = (cameras) => (cameras <= 2 ? 2 : cameras <= 6 ? 1 : 0);

  const markOnce = (name) => {
    if (!performance.getEntriesByName(name, "mark").length) performance.mark(name);
  };
  const transaction = () => Math.random().toString(36).slice(2, 12);

  // One Janus session over its WebSocket API: requests by transaction, events by handle.
  class Session {
    constructor(credential, onLost) {
      this.credential = credential;
      this.onLost = onLost;
      this.pending = new Map(); // transaction -> {resolve, reject, async}
      this.handlers = new Map(); // handle id -> (message) => void
      this.closed = false;
    }

    open() {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(this.credential.server, "janus-protocol");
        this.ws = ws;
        ws.addEventListener("open", () => {
          this.request({ janus: "create" }).then((reply) => {
            this.id = reply.data.id;
            this.keepalive = setInterval(() => this.request({ janus: "keepalive" }).catch(() => {}), KEEPALIVE);
            resolve(this);
          }, reject);
        });
        ws.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
        ws.addEventListener("close", () => {
          clearInterval(this.keepalive);
          for (const { reject: fail } of this.pending.values()) fail(new Error("Janus closed"));
          this.pending.clear();
          reject(new Error("Janus closed"));
          if (!this.closed) this.onLost();
        });
      });
    }

    // A request; its answer: the `success`, or for a plugin message its `event`.
    request(body, { handle = null, async = false } = {}) {
      const id = transaction();
      const message = { ...body, transaction: id, token: this.credential.token };
      if (this.id) message.session_id = this.id;
      if (handle) message.handle_id = handle;
      return new Promise((resolve, reject) => {
        if (this.ws.readyState !== WebSocket.OPEN) return reject(new Error("Janus is not connected"));
        // Only a plugin message is answered after its ack; for the rest the ack is the answer.
        this.pending.set(id, { resolve, reject, ackAnswers: !async });
        this.ws.send(JSON.stringify(message));
      });
    }

    message(handle, body, jsep) {
      return this.request({ janus: "message", body, ...(jsep ? { jsep } : {}) }, { handle, async: true }).then((reply) => {
        const data = reply.plugindata?.data || {};
        if (data.error_code) throw Object.assign(new Error(data.error), { code: data.error_code });
        return { data, jsep: reply.jsep };
      });
    }

    async attach(onEvent) {
      const reply = await this.request({ janus: "attach", plugin: VIDEOROOM });
      this.handlers.set(reply.data.id, onEvent);
      return reply.data.id;
    }

    detach(handle) {
      this.handlers.delete(handle);
      return this.request({ janus: "detach" }, { handle }).catch(() => {});
    }

    trickle(handle, candidate) {
      this.request({ janus: "trickle", candidate: candidate || { completed: true } }, { handle }).catch(() => {});
    }

    receive(message) {
      const waiting = message.transaction && this.pending.get(message.transaction);
      if (waiting) {
        if (message.janus === "ack" && !waiting.ackAnswers) return; // The event follows.
        this.pending.delete(message.transaction);
        if (message.janus === "error") waiting.reject(Object.assign(new Error(message.error.reason), { code: message.error.code }));
        else waiting.resolve(message);
        return;
      }
      if (message.janus === "timeout") {
        this.ws.close();
        return;
      }
      const handler = message.sender && this.handlers.get(message.sender);
      if (handler) handler(message);
    }

    close() {
      this.closed = true;
      clearInterval(this.keepalive);
      if (this.ws?.readyState === WebSocket.OPEN) {
        this.request({ janus: "destroy" }).catch(() => {});
        setTimeout(() => this.ws.close(), 50);
      } else {
        this.ws?.close();
      }
    }
  }

  class Janus extends EventTarget {
    constructor(signalling) {
      super();
      this.signalling = signalling;
      this.localStream = null;
      this.screenStream = null;
      this.selfId = null;
      this.credential = null;
      this.generation = 0; // Bumped on every rebuild: work of an older one stops.
      this.attempt = 0;
      this.feeds = new Map(); // Janus feed id -> {peer, kind, stream}
      this.mids = new Map(); // subscriber mid -> feed id
      signalling.addEventListener("message", (event) => this.onMessage(event.detail));
      signalling.addEventListener("reconnecting", () => this.setState("reconnecting"));
    }

    start(localStream) {
      this.localStream = localStream;
    }

    onMessage(message) {
      if (message.type === "welcome") {
        this.selfId = message.id;
        this.iceServers = message.ice_servers || [];
        this.media = message.media;
        this.built = false; // A new socket is a new peer id: everything again under it.
        this.gotCredential(message.janus);
      } else if (message.type === "janus") {
        this.gotCredential(message.janus);
      }
    }

    // A credential: the first (or after a loss) builds the meeting on Janus; a renewal only
    // keeps the session's requests valid.
    gotCredential(credential) {
      clearTimeout(this.renewTimer);
      if (!credential) {
        this.setState("reconnecting");
        this.later(() => this.signalling.send({ type: "janus" }));
        return;
      }
      const renewal = this.session && !this.session.closed && this.credential?.server === credential.server && this.credential?.room === credential.room;
      this.credential = credential;
      this.renewTimer = setTimeout(() => this.signalling.send({ type: "janus" }), Math.max(5, credential.expires_in / 2) * 1000);
      if (renewal && this.built) {
        this.session.credential = credential;
        return;
      }
      this.build();
    }

    later(run) {
      const base = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
      this.attempt += 1;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(run, base / 2 + (Math.random() * base) / 2);
    }

    setState(state) {
      if (state === this.state) return;
      this.state = state;
      this.dispatchEvent(new CustomEvent("state", { detail: state }));
    }

    // Janus went away (restart, network): ask the app for a credential again; its answer
    // rebuilds everything (the app recreates the VideoRoom on a Janus that forgot it).
    lost(generation) {
      if (generation !== this.generation || this.closing) return;
      this.teardown();
      this.setState("reconnecting");
      this.later(() => this.signalling.send({ type: "janus" }));
    }

    teardown() {
      this.generation += 1;
      this.built = false;
      this.session?.close();
      this.session = null;
      for (const pc of [this.publisher?.pc, this.screen?.pc, this.subscriber?.pc]) pc?.close();
      this.publisher = this.screen = this.subscriber = null;
      for (const feed of this.feeds.values()) this.endFeed(feed);
      const peers = new Set([...this.feeds.values()].map((f) => f.peer));
      this.feeds.clear();
      this.mids.clear();
      for (const peer of peers) this.dispatchEvent(new CustomEvent("peer-gone", { detail: { peer } }));
    }

    async build() {
      this.teardown();
      if (!this.media) return;
      const generation = this.generation;
      this.setState("connecting");
      try {
        const session = new Session(this.credential, () => this.lost(generation));
        this.session = session;
        await session.open();
        if (generation !== this.generation) return;
        await this.publish(`${this.selfId}`, () => this.cameraTracks(), true, generation);
        if (this.screenStream) await this.publish(`${this.selfId}:screen`, () => ({ video: this.screenStream?.getVideoTracks()[0] || null }), false, generation);
        this.built = true;
        this.attempt = 0;
      } catch (error) {
        console.warn("Janus: joining failed", error);
        this.lost(generation);
      }
    }

    cameraTracks() {
      const track = (kind) => this.localStream?.getTracks().find((t) => t.kind === kind) || null;
      return { audio: track("audio"), video: track("video") };
    }

    // A publisher handle: join the VideoRoom under `display`, send the tracks `tracks()` gives
    // once joined (a kind with none yet gets a transceiver for a later replaceTrack). The
    // camera's publisher also learns of everyone else's feeds and subscribes to them.
    async publish(display, tracksNow, camera, generation) {
      const session = this.session;
      const publisher = { handle: null, pc: null };
      publisher.handle = await session.attach((message) => this.publisherEvent(message, camera, generation));
      const joined = await session.message(publisher.handle, {
        request: "join",
        ptype: "publisher",
        room: this.credential.room,
        display,
        token: this.credential.token,
      });
      if (camera) this.privateId = joined.data.private_id;
      if (generation !== this.generation) throw new Error("rebuilt meanwhile");
      const pc = new RTCPeerConnection({ iceServers: this.iceServers });
      publisher.pc = pc;
      publisher.transceivers = {};
      const tracks = tracksNow();
      for (const kind of Object.keys(tracks)) {
        const options = { direction: "sendonly", streams: this.localStream && camera ? [this.localStream] : [] };
        if (kind === "video" && camera) options.sendEncodings = SIMULCAST;
        publisher.transceivers[kind] = pc.addTransceiver(tracks[kind] || kind, options);
      }
      // From here replaceTrack and stopScreen reach it, while it negotiates.
      if (camera) this.publisher = publisher;
      else this.screen = publisher;
      pc.addEventListener("icecandidate", ({ candidate }) => session.trickle(publisher.handle, candidate?.toJSON()));
      pc.addEventListener("connectionstatechange", () => {
        if (pc.connectionState === "connected" && camera) {
          markOnce("janus:connected");
          this.setState("connected");
        }
        if (pc.connectionState === "failed") this.lost(generation);
      });
      await pc.setLocalDescription(await pc.createOffer());
      const answer = await session.message(publisher.handle, { request: "publish" }, { type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      if (!answer.jsep) throw new Error("Janus sent no answer");
      await pc.setRemoteDescription(answer.jsep);
      if (camera) this.subscribe(joined.data.publishers || [], generation);
    }

    publisherEvent(message, camera, generation) {
      if (generation !== this.generation) return;
      if (message.janus === "hangup" || message.janus === "detached") {
        this.lost(generation);
        return;
      }
      const data = message.plugindata?.data;
      if (!data || !camera) return;
      if (data.publishers) this.subscribe(data.publishers, generation);
      for (const gone of [data.unpublished, data.leaving, data.kicked]) {
        if (gone && gone !== "ok") this.unsubscribe(gone, generation);
      }
      if (data.error_code === 426 || data.videoroom === "destroyed") this.lost(generation); // The room went (ended).
    }

    // Feeds to receive: everyone's but our own. Janus's display names the person by their peer
    // id (`<id>` for the camera, `<id>:screen` for a screen); the roster names the person.
    subscribe(publishers, generation) {
      const fresh = [];
      for (const publisher of publishers) {
        const [peer, screen] = String(publisher.display || "").split(":");
        if (!peer || peer === this.selfId || this.feeds.has(publisher.id)) continue;
        const feed = { id: publisher.id, peer, kind: screen === "screen" ? "screen" : "camera", stream: new MediaStream() };
        this.feeds.set(publisher.id, feed);
        fresh.push(feed);
      }
      if (fresh.length) this.queue(generation, () => this.changeSubscription("subscribe", fresh.map((f) => ({ feed: f.id })), generation));
    }

    unsubscribe(feedId, generation) {
      const feed = this.feeds.get(feedId);
      if (!feed) return;
      this.feeds.delete(feedId);
      this.endFeed(feed);
      if (feed.kind === "camera" && ![...this.feeds.values()].some((f) => f.peer === feed.peer)) {
        this.dispatchEvent(new CustomEvent("peer-gone", { detail: { peer: feed.peer } }));
      } else {
        this.dispatchEvent(new CustomEvent("stream", { detail: { peer: feed.peer, stream: feed.stream, kind: feed.kind } }));
      }
      this.queue(generation, () => this.changeSubscription("unsubscribe", [{ feed: feedId }], generation));
    }

    endFeed(feed) {
      for (const track of feed.stream.getTracks()) feed.stream.removeTrack(track);
    }

    // Subscription changes one at a time: each waits for the renegotiation of the one before.
    queue(generation, step) {
      this.steps = (this.steps || Promise.resolve()).then(() => (generation === this.generation ? step() : null)).catch((error) => {
        console.warn("Janus: subscription failed", error);
        if (error.code !== 428 && error.code !== 432) this.lost(generation); // Not "no such feed".
      });
    }

    async changeSubscription(request, streams, generation) {
      const session = this.session;
      if (!this.subscriber) {
        if (request === "unsubscribe") return;
        const subscriber = { handle: await session.attach((message) => this.subscriberEvent(message, generation)) };
        subscriber.pc = new RTCPeerConnection({ iceServers: this.iceServers });
        subscriber.pc.addEventListener("icecandidate", ({ candidate }) => session.trickle(subscriber.handle, candidate?.toJSON()));
        subscriber.pc.addEventListener("track", (event) => this.gotTrack(event));
        subscriber.pc.addEventListener("connectionstatechange", () => {
          if (subscriber.pc.connectionState === "failed") this.lost(generation);
        });
        this.subscriber = subscriber;
        const reply = await session.message(subscriber.handle, { request: "join", ptype: "subscriber", room: this.credential.room, private_id: this.privateId, streams });
        await this.answer(reply, generation);
        return;
      }
      const reply = await session.message(this.subscriber.handle, { request, streams });
      await this.answer(reply, generation);
    }

    // Janus offers what we receive (on join, and after each change): map each mid to its
    // feed, answer, and pick the simulcast layer for the number of cameras shown.
    async answer({ data, jsep }, generation) {
      if (generation !== this.generation || !jsep) return;
      for (const stream of data.streams || []) {
        if (stream.feed_id && stream.active !== false) this.mids.set(stream.mid, stream.feed_id);
      }
      const pc = this.subscriber.pc;
      await pc.setRemoteDescription(jsep);
      await pc.setLocalDescription(await pc.createAnswer());
      await this.session.message(this.subscriber.handle, { request: "start" }, { type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      const cameras = [...this.feeds.values()].filter((f) => f.kind === "camera").length;
      const layers = (data.streams || []).filter((s) => s.type === "video" && s.active !== false && this.feeds.get(s.feed_id)?.kind === "camera");
      if (layers.length) {
        const substream = SUBSTREAM_FOR(cameras);
        this.session.message(this.subscriber.handle, { request: "configure", streams: layers.map((s) => ({ mid: s.mid, substream })) }).catch(() => {});
      }
    }

    subscriberEvent(message, generation) {
      if (generation !== this.generation) return;
      if (message.janus === "hangup") this.lost(generation);
      // Janus renegotiates by itself (a publisher that changed what it sends): answer it too.
      if (message.jsep?.type === "offer" && message.plugindata?.data?.videoroom === "updated") {
        this.queue(generation, () => this.answer({ data: message.plugindata.data, jsep: message.jsep }, generation));
      }
    }

    gotTrack({ track, transceiver }) {
      const feed = this.feeds.get(this.mids.get(transceiver.mid));
      if (!feed) return;
      for (const old of feed.stream.getTracks().filter((t) => t.kind === track.kind)) feed.stream.removeTrack(old);
      feed.stream.addTrack(track);
      track.addEventListener("ended", () => feed.stream.removeTrack(track));
      markOnce("janus:track");
      this.dispatchEvent(new CustomEvent("stream", { detail: { peer: feed.peer, stream: feed.stream, kind: feed.kind } }));
    }

    // The page's camera and microphone, sent without renegotiating.
    replaceTrack(kind, track) {
      this.publisher?.transceivers[kind]?.sender.replaceTrack(track).catch(() => {});
    }

    async shareScreen(stream) {
      this.screenStream = stream;
      if (!this.built) return; // Published when the meeting is (re)built.
      const generation = this.generation;
      try {
        await this.publish(`${this.selfId}:screen`, () => ({ video: stream.getVideoTracks()[0] }), false, generation);
      } catch (error) {
        console.warn("Janus: sharing the screen failed", error);
      }
    }

    stopScreen() {
      this.screenStream = null;
      const screen = this.screen;
      this.screen = null;
      if (!screen) return;
      screen.pc.close();
      this.session?.detach(screen.handle);
    }

    close() {
      this.closing = true;
      clearTimeout(this.renewTimer);
      clearTimeout(this.retryTimer);
      this.teardown();
    }
  }

  return { Janus };
})();
