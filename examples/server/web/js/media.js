// media.js: the conference's RTCPeerConnection to the engine (docs/sfu.md).
//
// Sections, in this order (the engine relies on it): audio sendrecv (the
// microphone up, the room's mix down), camera video sendrecv (the camera
// up, a tile down), SLOT_COUNT video recvonly (tiles), and, once the user
// shares the screen, one more video sendonly (added with a new offer).
// One data channel, "control": the engine's `video-slots` and
// `active-speaker`, our `subscribe` and `publish`. Chat travels on the
// signalling WebSocket only (the engine reads no other channel).
// The engine is ICE-lite and takes no trickled candidates: every offer
// waits for gathering to finish.
//
// Recovery keeps what still works. The engine keeps a participant's
// transport while its signalling socket is gone (it drops it only when the
// participant leaves: the grace period ran out, or ICE consent expired),
// and a new offer with the same DTLS fingerprint either renegotiates on it
// (same ICE credentials) or restarts ICE on it (new credentials), keeping
// DTLS, SSRCs and the video slots. So:
//   - ICE "failed", or "disconnected" for a few seconds: restartIce() and
//     an offer with new credentials, on the same connection;
//   - the socket came back for the same participant (resume): the same
//     connection, with the offer the protocol asks for (an ICE restart if
//     ICE is down meanwhile);
//   - a DTLS session that ended (the server dropped our transport), or a
//     fresh join as a new participant: a whole new connection.
//
//   const media = new MediaSession({
//     sendOffer: (sdp, iceRestart) => sig.send({ type: 'offer', sdp, iceRestart }),  // false: not sent
//     onSlots: slots => ..., onActiveSpeaker: id => ..., onTrack: (mid, track) => ...,
//     onIceState: state => ...,
//     onNoAnswer: () => ... });          // an offer went unanswered: the socket is suspect
//   await media.start(localStream);       // sends the first offer
//   media.handleAnswer(sdp);              // from the `answer` frame
//   media.joined(id);                     // every `joined`: whose answers come now
//   await media.resume();                 // after `joined` with resumed=true
//   await media.joinedAfresh();           // after `joined` as a new participant
//   media.setCamera(false);               // track.enabled + `publish` paused
//
// Runs on the page's event loop; offers are serialised (one at a time).

const SLOT_COUNT = 3;
const GATHER_TIMEOUT_MS = 3000;
const ANSWER_TIMEOUT_MS = 15000;
const DISCONNECTED_GRACE_MS = 4000;
const MIN_REBUILD_INTERVAL_MS = 3000;
const CAMERA_LAYERS = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1200000 },
];

function waitForGathering(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, GATHER_TIMEOUT_MS);
  });
}

function iceUfrag(description) {
  const match = description && /^a=ice-ufrag:(\S+)/m.exec(description.sdp);
  return match ? match[1] : '';
}

function iceDown(pc) {
  return pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed';
}

// False once the DTLS session has ended (or the connection is closed); a
// connection still being set up counts as alive.
function dtlsAlive(pc) {
  if (pc.signalingState === 'closed') return false;
  const transport = pc.getSenders().map(sender => sender.transport).find(Boolean);
  return !transport || (transport.state !== 'closed' && transport.state !== 'failed');
}

export class MediaSession {
  constructor({ sendOffer, onSlots, onActiveSpeaker, onTrack, onIceState, onNoAnswer }) {
    this.sendOffer = sendOffer;
    this.onSlots = onSlots || (() => {});
    this.onActiveSpeaker = onActiveSpeaker || (() => {});
    this.onTrack = onTrack || (() => {});
    this.onIceState = onIceState || (() => {});
    this.onNoAnswer = onNoAnswer || (() => {});
    this.pc = null;
    this.local = null;
    this.screenTrack = null;
    this.screenTransceiver = null;
    this.control = null;
    this.remoteTracks = new Map();   // mid -> MediaStreamTrack
    this.published = { camera: { paused: false }, screen: null };
    this.subscriptions = new Map();  // mid -> {paused, max_width, max_height}
    this.chain = Promise.resolve();
    this.pendingAnswer = null;
    this.disconnectTimer = 0;
    this.lastRebuild = 0;
    this.watchedTransports = new WeakSet();
    this.closed = false;
    // The participant the server answers our offers for (the last
    // `joined`), and the one the current connection's answer was for.
    this.participant = null;
    this.answeredFor = null;
    // For the test hook: connections built, ICE restarts begun
    // (restartIce()) and offered (new credentials sent).
    this.counters = { connections: 0, iceRestartsBegun: 0, iceRestarts: 0 };
  }

  // Builds the connection around `localStream` (may be null: listen only)
  // and sends the first offer.
  async start(localStream) {
    this.local = localStream;
    this.#build();
    await this.negotiate();
  }

  // The signalling socket came back for the same participant. The engine
  // still has our transport, so the connection stays unless its DTLS
  // session is gone; the new offer the protocol asks for after `resume`
  // restarts ICE if ICE went down meanwhile, and is otherwise a
  // renegotiation that changes nothing (it also lands any offer that was
  // lost with the old socket, e.g. a screen share just added).
  resume() {
    const run = async () => {
      const pc = this.pc;
      if (this.closed || !pc) return;
      if (!dtlsAlive(pc)) {
        await this.#rebuildNow();
        return;
      }
      const iceRestart = iceDown(pc);
      if (iceRestart) this.#beginIceRestart(pc);
      await this.#negotiateNow(iceRestart);
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  // Every `joined`: answers from now on are for participant `id` (frames
  // arrive in order, so an answer that follows `joined` is for it).
  joined(id) {
    this.participant = id;
  }

  // Joined afresh as a new participant, whom the server knows no transport
  // of: a new connection, unless the current one was answered for that
  // participant already (an offer that crossed the join, e.g. one begun
  // while the socket was down: the server built its transport from it).
  joinedAfresh() {
    const run = async () => {
      if (this.closed) return;
      if (this.pc && this.pc.currentRemoteDescription && this.answeredFor === this.participant) return;
      await this.#rebuildNow();
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  // A new peer connection (a DTLS session the server dropped); the local
  // tracks stay. Queued behind any offer in flight, so no answer goes
  // astray; with `onlyIf`, only if that connection is still the current one.
  rebuild(onlyIf = null) {
    const run = async () => {
      if (this.closed || (onlyIf && onlyIf !== this.pc)) return;
      await this.#rebuildNow();
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  async #rebuildNow() {
    // A connection that never got an answer has no transport on the server
    // to lose: offer it again instead of building another (e.g. one rebuilt
    // while the socket was down, when the server dropped the old session).
    if (!this.pc || this.pc.currentRemoteDescription) {
      this.#teardown();
      this.#build();
      if (this.screenTrack) this.#addScreenSection();
    }
    await this.#negotiateNow(false);
  }

  #build() {
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    this.answeredFor = null;
    this.counters.connections += 1;
    console.info(`konfero: media connection ${this.counters.connections}`);
    const streams = this.local ? [this.local] : [];
    const mic = this.local && this.local.getAudioTracks()[0];
    const camera = this.local && this.local.getVideoTracks()[0];
    pc.addTransceiver(mic || 'audio', { direction: 'sendrecv', streams });
    pc.addTransceiver(camera || 'video', { direction: 'sendrecv', streams, sendEncodings: CAMERA_LAYERS });
    for (let i = 0; i < SLOT_COUNT; i++) pc.addTransceiver('video', { direction: 'recvonly' });
    this.control = pc.createDataChannel('control');
    this.control.onmessage = event => this.#onControlMessage(event.data);
    this.control.onopen = () => this.#replayControl();
    if (!camera) this.published.camera.paused = true;

    pc.ontrack = event => {
      const mid = event.transceiver.mid;
      this.remoteTracks.set(mid, event.track);
      this.onTrack(mid, event.track);
    };
    pc.oniceconnectionstatechange = () => this.#onIceState(pc);
  }

  #teardown() {
    clearTimeout(this.disconnectTimer);
    if (this.pendingAnswer) this.pendingAnswer.reject(new Error('connection replaced'));
    this.pendingAnswer = null;
    if (this.pc) {
      this.pc.oniceconnectionstatechange = null;
      this.pc.ontrack = null;
      this.pc.close();
    }
    this.pc = null;
    this.screenTransceiver = null;
    this.remoteTracks.clear();
  }

  close() {
    this.closed = true;
    this.#teardown();
    if (this.screenTrack) this.screenTrack.stop();
    this.screenTrack = null;
  }

  // Sends an offer and applies the answer; queued behind any offer in flight.
  negotiate({ iceRestart = false } = {}) {
    const run = () => this.#negotiateNow(iceRestart);
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  async #negotiateNow(iceRestart) {
    const pc = this.pc;
    if (!pc || this.closed) return;
    if (pc.signalingState === 'have-local-offer') {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    const lastUfrag = iceUfrag(pc.currentLocalDescription);
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    await waitForGathering(pc);
    if (pc !== this.pc) return;
    // New credentials are a restart whoever asked for it (a restartIce()
    // whose offer never got out, e.g. while the socket was down, carries
    // over to the next offer).
    const restart = Boolean(lastUfrag) && iceUfrag(pc.localDescription) !== lastUfrag;
    let timedOut = false;
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new Error('no answer'));
      }, ANSWER_TIMEOUT_MS);
      this.pendingAnswer = {
        resolve: sdp => { clearTimeout(timer); resolve(sdp); },
        reject: error => { clearTimeout(timer); reject(error); },
      };
    });
    if (this.sendOffer(pc.localDescription.sdp, restart) === false) {
      this.pendingAnswer.reject(new Error('signalling is down'));
    } else if (restart) {
      this.counters.iceRestarts += 1;
    }
    let sdp;
    let answeredFor;
    try {
      sdp = await answer;
      answeredFor = this.participant;  // before the next frame can change it
    } catch (error) {
      // No answer (the socket dropped mid-way): the resume sends a new offer.
      if (pc === this.pc && pc.signalingState === 'have-local-offer') {
        await pc.setLocalDescription({ type: 'rollback' });
      }
      // Silence although the socket looks open: TCP can stay silently dead
      // for minutes after a network change (nothing tells the browser).
      if (timedOut && !this.closed) this.onNoAnswer();
      return;
    } finally {
      this.pendingAnswer = null;
    }
    if (pc !== this.pc) return;
    await pc.setRemoteDescription({ type: 'answer', sdp });
    if (pc === this.pc) this.answeredFor = answeredFor;
    this.#watchDtls(pc);
  }

  // A DTLS session the server closed (it dropped our transport: we left
  // its room, or it restarted) does not come back by itself, and the ICE
  // state may stay "connected": start over with a new connection.
  #watchDtls(pc) {
    const transport = pc.getSenders().map(sender => sender.transport).find(Boolean);
    if (!transport || this.watchedTransports.has(transport)) return;
    this.watchedTransports.add(transport);
    transport.addEventListener('statechange', () => {
      if (pc !== this.pc || this.closed) return;
      if (transport.state !== 'closed' && transport.state !== 'failed') return;
      const wait = Math.max(0, this.lastRebuild + MIN_REBUILD_INTERVAL_MS - Date.now());
      setTimeout(() => {
        if (pc !== this.pc || this.closed) return;
        this.lastRebuild = Date.now();
        this.rebuild(pc).catch(error => console.warn('konfero: new media connection failed', error));
      }, wait);
    });
  }

  handleAnswer(sdp) {
    if (this.pendingAnswer) this.pendingAnswer.resolve(sdp);
  }

  // A refused offer (an `error` frame while one is in flight).
  failOffer(error) {
    if (this.pendingAnswer) this.pendingAnswer.reject(error);
  }

  // "disconnected" often heals by itself (a few lost consent checks), so
  // it gets a grace period; "failed" does not.
  #onIceState(pc) {
    const state = pc.iceConnectionState;
    this.onIceState(state);
    clearTimeout(this.disconnectTimer);
    if (state === 'failed') {
      this.#restartIce(pc);
    } else if (state === 'disconnected') {
      this.disconnectTimer = setTimeout(() => this.#restartIce(pc), DISCONNECTED_GRACE_MS);
    }
  }

  // Queued like every offer; by the time it runs ICE may have recovered, or
  // a resume may have restarted it already: then there is nothing to do.
  #restartIce(pc) {
    const run = async () => {
      if (pc !== this.pc || this.closed || !iceDown(pc)) return;
      this.#beginIceRestart(pc);
      await this.#negotiateNow(true);
    };
    this.chain = this.chain.then(run, run);
  }

  #beginIceRestart(pc) {
    pc.restartIce();
    this.counters.iceRestartsBegun += 1;
  }

  // ---- Local tracks ---------------------------------------------------------

  setMicrophone(on) {
    for (const track of this.local ? this.local.getAudioTracks() : []) track.enabled = on;
  }

  setCamera(on) {
    const tracks = this.local ? this.local.getVideoTracks() : [];
    for (const track of tracks) track.enabled = on;
    this.published.camera.paused = !on || tracks.length === 0;
    this.#sendControl({ type: 'publish', source: 'camera', paused: this.published.camera.paused });
  }

  get sharing() {
    return Boolean(this.screenTrack);
  }

  // Shares `track` (from getDisplayMedia). The first time a sendonly
  // section is added with a new offer; later shares reuse it.
  async startScreenShare(track) {
    this.screenTrack = track;
    this.published.screen = { paused: false };
    if (this.screenTransceiver) {
      await this.screenTransceiver.sender.replaceTrack(track);
      this.#sendControl({ type: 'publish', source: 'screen', paused: false });
      return;
    }
    this.#addScreenSection();
    await this.negotiate();
  }

  #addScreenSection() {
    this.screenTransceiver = this.pc.addTransceiver(this.screenTrack, { direction: 'sendonly' });
  }

  async stopScreenShare() {
    const track = this.screenTrack;
    this.screenTrack = null;
    if (track) track.stop();
    if (this.screenTransceiver) await this.screenTransceiver.sender.replaceTrack(null);
    if (this.published.screen) this.published.screen.paused = true;
    this.#sendControl({ type: 'publish', source: 'screen', paused: true });
  }

  // ---- Tiles ---------------------------------------------------------------------

  // The tile for slot `mid` is shown at width x height (CSS pixels), or hidden.
  subscribe(mid, { paused = false, width = 0, height = 0 } = {}) {
    const wish = {
      paused, max_width: Math.round(width * devicePixelRatio), max_height: Math.round(height * devicePixelRatio),
    };
    const last = this.subscriptions.get(mid);
    if (last && ['paused', 'max_width', 'max_height'].every(k => last[k] === wish[k])) return;
    this.subscriptions.set(mid, wish);
    this.#sendControl({ type: 'subscribe', mid, ...wish });
  }

  remoteTrack(mid) {
    return this.remoteTracks.get(mid) || null;
  }

  // ---- Data channels ----------------------------------------------------------

  #sendControl(message) {
    if (this.control && this.control.readyState === 'open') this.control.send(JSON.stringify(message));
  }

  // A new control channel (first connect, rebuild) learns our wishes again.
  #replayControl() {
    this.#sendControl({ type: 'publish', source: 'camera', paused: this.published.camera.paused });
    if (this.published.screen) {
      this.#sendControl({ type: 'publish', source: 'screen', paused: this.published.screen.paused });
    }
    for (const [mid, wish] of this.subscriptions) this.#sendControl({ type: 'subscribe', mid, ...wish });
  }

  #onControlMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'video-slots' && Array.isArray(message.slots)) {
      this.onSlots(message.slots.map(s => ({
        mid: String(s.mid), participant: s.participant ?? null, source: s.source || 'camera',
      })));
    } else if (message.type === 'active-speaker') {
      this.onActiveSpeaker(message.participant ?? null);
    }
  }

  // ---- Statistics (the test hook) ----------------------------------------------

  async stats() {
    const summary = {
      connectionState: this.pc ? this.pc.connectionState : 'closed',
      iceConnectionState: this.pc ? this.pc.iceConnectionState : 'closed',
      audio: { bytesReceived: 0, packetsReceived: 0, bytesSent: 0, totalAudioEnergy: 0 },
      video: { bytesReceived: 0, framesDecoded: 0, bytesSent: 0, slots: {} },
    };
    if (!this.pc) return summary;
    const report = await this.pc.getStats();
    report.forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        summary.audio.bytesReceived += s.bytesReceived || 0;
        summary.audio.packetsReceived += s.packetsReceived || 0;
        // What was heard: the integral of the squared level of the mix.
        summary.audio.totalAudioEnergy += s.totalAudioEnergy || 0;
      } else if (s.type === 'inbound-rtp' && s.kind === 'video') {
        summary.video.bytesReceived += s.bytesReceived || 0;
        summary.video.framesDecoded += s.framesDecoded || 0;
        if (s.mid !== undefined) {
          summary.video.slots[s.mid] = {
            bytesReceived: s.bytesReceived || 0, framesDecoded: s.framesDecoded || 0,
            frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0,
          };
        }
      } else if (s.type === 'outbound-rtp') {
        summary[s.kind === 'audio' ? 'audio' : 'video'].bytesSent += s.bytesSent || 0;
      } else if (s.type === 'transport') {
        summary.dtlsState = s.dtlsState;
        const pair = report.get(s.selectedCandidatePairId);
        const local = pair && report.get(pair.localCandidateId);
        // The UDP port media leaves from (the reconnect tests cut it off).
        if (local) summary.localCandidate = { address: local.address, port: local.port };
      }
    });
    return summary;
  }

  // What the test hook shows of the connection: how many were built, how
  // many ICE restarts were begun and offered, and the local ICE ufrag.
  info() {
    return { ...this.counters, iceUfrag: this.pc ? iceUfrag(this.pc.currentLocalDescription) : '' };
  }
}
