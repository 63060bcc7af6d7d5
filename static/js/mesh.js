// The mesh transport: one RTCPeerConnection to every other person with media, negotiated with
// the "perfect negotiation" pattern (the peer with the smaller id is polite), ICE restarts when
// a connection fails or after the meeting socket reconnects. meeting.js sees only the
// transport interface of docs/meeting.md, so a media-server transport can take its place.
"use strict";

window.SessionMesh = (() => {
  const DISCONNECTED_GRACE = 2500; // ms "disconnected" may last before an ICE restart.
  // ms a negotiated connection may take to connect before an ICE restart: candidates lost to
  // an offer collision (those of a rolled-back offer) leave it waiting with none to check.
  const CONNECT_GRACE = [3000, 5000, 8000];

  // How each copy of the camera is sent, by how many copies there are: a mesh sends one per
  // other person, so as it grows each copy gets smaller, keeping a person's uplink and their
  // encoders' CPU near what two or three full copies would cost. (Screens keep their size.)
  const CAMERA_COPIES = [
    { upTo: 1, scaleResolutionDownBy: 1, maxBitrate: 1_500_000 }, // 720p to one other person
    { upTo: 2, scaleResolutionDownBy: 1.5, maxBitrate: 900_000 }, // 480p
    { upTo: 4, scaleResolutionDownBy: 2, maxBitrate: 500_000 }, // 360p
    { upTo: Infinity, scaleResolutionDownBy: 3, maxBitrate: 300_000 }, // 240p
  ];
  const cameraCopy = (copies) => {
    const { scaleResolutionDownBy, maxBitrate } = CAMERA_COPIES.find((c) => copies <= c.upTo);
    return { scaleResolutionDownBy, maxBitrate };
  };

  // The first time this page got to a step of negotiation, for a look at where a join's time
  // goes (bench/meeting.py reads them).
  const markOnce = (name) => {
    if (!performance.getEntriesByName(name, "mark").length) performance.mark(name);
  };

  class Peer {
    constructor(mesh, id) {
      this.mesh = mesh;
      this.id = id;
      this.polite = mesh.selfId < id;
      this.makingOffer = false;
      this.ignoreOffer = false;
      this.settingRemoteAnswer = false;
      this.queue = Promise.resolve();
      this.streams = new Map(); // remote stream id -> MediaStream
      this.pc = new RTCPeerConnection({ iceServers: mesh.iceServers });
      // The impolite peer offers first; the polite one sends on the transceivers of that offer.
      // No collision on the first offer, so no candidates lost to a rollback.
      this.camera = null;
      if (!this.polite) {
        this.camera = {};
        for (const kind of ["audio", "video"]) {
          const streams = mesh.localStream ? [mesh.localStream] : [];
          const sendEncodings = kind === "video" ? [cameraCopy(mesh.copies + 1)] : undefined;
          this.camera[kind] = this.pc.addTransceiver(this.localTrack(kind) || kind, { direction: "sendrecv", streams, sendEncodings });
        }
        if (mesh.screenStream) this.addScreen(mesh.screenStream);
      }
      this.pc.addEventListener("negotiationneeded", () => this.offer());
      this.pc.addEventListener("icecandidate", ({ candidate }) => {
        if (candidate) this.send({ candidate: candidate.toJSON() });
      });
      this.pc.addEventListener("track", (event) => this.gotTrack(event));
      this.pc.addEventListener("connectionstatechange", () => this.watch());
      this.pc.addEventListener("signalingstatechange", () => {
        this.expectConnected();
        if (this.pc.signalingState === "stable") this.sizeCamera(mesh.copies);
      });
      this.restarts = 0;
    }

    expectConnected() {
      clearTimeout(this.connectTimer);
      if (this.pc.signalingState !== "stable" || this.pc.connectionState === "connected") return;
      const grace = CONNECT_GRACE[Math.min(this.restarts, CONNECT_GRACE.length - 1)];
      this.connectTimer = setTimeout(() => {
        if (["new", "connecting"].includes(this.pc.connectionState) && this.pc.signalingState === "stable") {
          this.restarts += 1;
          this.restart();
        }
      }, grace);
    }

    // The camera copy sent to this peer, for `copies` copies in all (see CAMERA_COPIES).
    sizeCamera(copies) {
      const sender = this.camera?.video?.sender;
      if (!sender || this.pc.signalingState === "closed") return;
      const wanted = cameraCopy(copies);
      const parameters = sender.getParameters();
      const encoding = parameters.encodings?.[0];
      if (!encoding || (encoding.scaleResolutionDownBy === wanted.scaleResolutionDownBy && encoding.maxBitrate === wanted.maxBitrate)) return;
      Object.assign(encoding, wanted);
      sender.setParameters(parameters).catch(() => {}); // Mid-negotiation: again once stable.
    }

    localTrack(kind) {
      return this.mesh.localStream?.getTracks().find((t) => t.kind === kind) || null;
    }

    // The polite peer, at the first offer: send the camera on the offer's own transceivers.
    adoptTransceivers() {
      if (this.camera) return;
      this.camera = {};
      for (const transceiver of this.pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind;
        if (this.camera[kind]) continue;
        this.camera[kind] = transceiver;
        transceiver.direction = "sendrecv";
        if (this.mesh.localStream && transceiver.sender.setStreams) transceiver.sender.setStreams(this.mesh.localStream);
        transceiver.sender.replaceTrack(this.localTrack(kind)).catch(() => {});
      }
      for (const kind of ["audio", "video"]) {
        if (!this.camera[kind]) {
          const streams = this.mesh.localStream ? [this.mesh.localStream] : [];
          this.camera[kind] = this.pc.addTransceiver(this.localTrack(kind) || kind, { direction: "sendrecv", streams });
        }
      }
      if (this.mesh.screenStream) this.addScreen(this.mesh.screenStream);
    }

    send(payload) {
      this.mesh.signalling.send({ type: "signal", to: this.id, ...payload });
    }

    async offer() {
      try {
        this.makingOffer = true;
        await this.pc.setLocalDescription();
        this.send({ description: { type: this.pc.localDescription.type, sdp: this.pc.localDescription.sdp } });
        markOnce("mesh:offer");
      } catch (error) {
        console.warn("offer failed", error);
      } finally {
        this.makingOffer = false;
      }
    }

    // Signals are handled one at a time, in the order they came.
    receive(message) {
      this.queue = this.queue.then(() => this.handle(message)).catch((error) => console.warn("signal failed", error));
    }

    async handle({ description, candidate }) {
      const pc = this.pc;
      if (pc.signalingState === "closed") return;
      if (description) {
        const ready = !this.makingOffer && (pc.signalingState === "stable" || this.settingRemoteAnswer);
        const collision = description.type === "offer" && !ready;
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        this.settingRemoteAnswer = description.type === "answer";
        await pc.setRemoteDescription(description);
        this.settingRemoteAnswer = false;
        markOnce(description.type === "offer" ? "mesh:offer-in" : "mesh:answer-in");
        if (description.type === "offer") {
          this.adoptTransceivers();
          await pc.setLocalDescription();
          this.send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        }
      } else if (candidate) {
        try {
          await pc.addIceCandidate(candidate);
        } catch (error) {
          if (!this.ignoreOffer) throw error;
        }
      }
    }

    gotTrack({ track, streams }) {
      // A sender without streams (no setStreams in this browser): the camera, in a stream here.
      let stream = streams[0];
      if (!stream) {
        this.bare = this.bare || new MediaStream();
        this.bare.addTrack(track);
        stream = this.bare;
      }
      if (!this.streams.has(stream.id)) {
        this.streams.set(stream.id, stream);
        stream.addEventListener("removetrack", () => {
          if (!stream.getTracks().length) this.streams.delete(stream.id);
        });
      }
      this.mesh.emitStream(this, stream);
      track.addEventListener("unmute", () => this.mesh.emitStream(this, stream), { once: true });
    }

    watch() {
      const state = this.pc.connectionState;
      clearTimeout(this.restartTimer);
      if (state === "connected") {
        markOnce("mesh:connected");
        clearTimeout(this.connectTimer);
        this.restarts = 0;
      }
      if (state === "failed") this.restart();
      if (state === "disconnected") this.restartTimer = setTimeout(() => this.restart(), DISCONNECTED_GRACE);
      this.mesh.updateState();
    }

    restart() {
      if (this.pc.signalingState !== "closed") this.pc.restartIce();
    }

    addScreen(stream) {
      this.screen = stream.getTracks().map((track) => this.pc.addTrack(track, stream));
    }

    removeScreen() {
      for (const sender of this.screen || []) {
        if (this.pc.signalingState !== "closed") this.pc.removeTrack(sender);
      }
      this.screen = null;
    }

    close() {
      clearTimeout(this.restartTimer);
      clearTimeout(this.connectTimer);
      this.pc.close();
    }
  }

  // The transport: events "stream" ({peer, stream, kind}), "peer-gone" ({peer}) and "state"
  // ("connecting", "connected", "reconnecting"). It reads the meeting socket's welcome, roster
  // and signal messages itself.
  class Mesh extends EventTarget {
    constructor(signalling) {
      super();
      this.signalling = signalling;
      this.peers = new Map();
      this.roster = [];
      this.selfId = null;
      this.iceServers = [];
      this.localStream = null;
      this.screenStream = null;
      this.started = false;
      this.pending = []; // Signals from peers not (yet) in the roster.
      this.onMessage = (event) => this.message(event.detail);
      this.onReconnecting = () => this.emit("state", "reconnecting");
      signalling.addEventListener("message", this.onMessage);
      signalling.addEventListener("reconnecting", this.onReconnecting);
    }

    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }

    start(localStream) {
      this.localStream = localStream;
      this.started = true;
      this.sync();
    }

    replaceTrack(kind, track) {
      if (track && this.localStream && !this.localStream.getTracks().includes(track)) {
        this.localStream.getTracks().filter((t) => t.kind === kind).forEach((t) => this.localStream.removeTrack(t));
        this.localStream.addTrack(track);
      }
      for (const peer of this.peers.values()) peer.camera?.[kind].sender.replaceTrack(track).catch(() => {});
    }

    shareScreen(stream) {
      this.screenStream = stream;
      for (const peer of this.peers.values()) if (peer.camera) peer.addScreen(stream);
    }

    stopScreen() {
      this.screenStream = null;
      for (const peer of this.peers.values()) peer.removeScreen();
    }

    close() {
      this.started = false;
      for (const id of [...this.peers.keys()]) this.drop(id);
      this.signalling.removeEventListener("message", this.onMessage);
      this.signalling.removeEventListener("reconnecting", this.onReconnecting);
    }

    message(message) {
      if (message.type === "welcome") {
        // A new socket is a new peer id: every connection starts again under it.
        if (this.selfId && this.selfId !== message.id) for (const id of [...this.peers.keys()]) this.drop(id);
        this.selfId = message.id;
        this.iceServers = message.ice_servers || [];
        this.emit("state", "connecting");
      } else if (message.type === "roster") {
        this.roster = message.peers;
        this.sync();
      } else if (message.type === "signal") {
        const peer = this.peers.get(message.from) || this.connectTo(message.from);
        // Before this page's roster names them: keep it for when it does.
        if (peer) peer.receive(message);
        else if (this.pending.length < 500) this.pending.push(message);
      }
    }

    get copies() {
      return this.peers.size;
    }

    get hasMedia() {
      return !!this.roster.find((p) => p.id === this.selfId)?.media;
    }

    connectTo(id) {
      if (!this.started || !this.selfId || id === this.selfId || !this.hasMedia) return null;
      const peer = new Peer(this, id);
      this.peers.set(id, peer);
      return peer;
    }

    // The roster is the truth: a connection to everyone with media in it, none to anyone else.
    sync() {
      const wanted = new Set(this.started && this.hasMedia
        ? this.roster.filter((p) => p.media && p.id !== this.selfId).map((p) => p.id) : []);
      for (const id of [...this.peers.keys()]) if (!wanted.has(id)) this.drop(id);
      for (const id of wanted) {
        if (!this.peers.has(id)) this.connectTo(id);
        else for (const stream of this.peers.get(id).streams.values()) this.emitStream(this.peers.get(id), stream);
      }
      for (const peer of this.peers.values()) peer.sizeCamera(this.copies);
      const pending = this.pending;
      this.pending = [];
      for (const message of pending) {
        if (this.peers.has(message.from)) this.peers.get(message.from).receive(message);
      }
      this.updateState();
    }

    drop(id) {
      const peer = this.peers.get(id);
      if (!peer) return;
      peer.close();
      this.peers.delete(id);
      this.emit("peer-gone", { peer: id });
    }

    kindOf(peerId, stream) {
      const entry = this.roster.find((p) => p.id === peerId);
      return entry?.screen && entry.screen === stream.id ? "screen" : "camera";
    }

    emitStream(peer, stream) {
      if (this.peers.get(peer.id) !== peer) return;
      this.emit("stream", { peer: peer.id, stream, kind: this.kindOf(peer.id, stream) });
    }

    updateState() {
      if (!this.signalling.open) return;
      const states = [...this.peers.values()].map((p) => p.pc.connectionState);
      const settled = states.every((s) => s === "connected");
      this.emit("state", settled ? "connected" : "connecting");
    }
  }

  return { Mesh };
})();
