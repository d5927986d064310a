// signalling.js: the client side of docs/protocol.md: one WebSocket at
// /ws, JSON frames, with reconnect.
//
// After every (re)connect the client says `hello`; after `welcome` it sends
// `resume` with the resume token of the last `joined`, or, without one (or
// when the resume is refused), the frame from `firstFrame()` (`join`,
// `watch-rooms`). A lost socket is reopened with backoff; a fatal error,
// `kicked`, `removed` or leave() end the session for good. A socket that
// has carried nothing for PING_INTERVAL_MS gets a `ping`; if not even the
// `pong` comes back within PONG_TIMEOUT_MS the socket is taken for dead
// (TCP can stay silently dead for minutes after a network change) and
// replaced by a new one that resumes.
//
//   const sig = new Signalling({ firstFrame: () => ({ type: 'join', as: 'guest', ... }) });
//   sig.on('joined', msg => ...);          // msg.resumed: the same participant again
//   sig.on('state', msg => ...);
//   sig.on('ended', ({ reason, code }) => ...);   // fatal | kicked | removed | left
//   sig.on('connection', ({ up }) => ...);         // banner on/off
//   sig.start();
//   sig.send({ type: 'chat', text: 'Hallo' });
//   sig.reconnect();                                // the socket seems dead
//
// Everything runs on the page's event loop; handlers are called in the
// order they were added.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MAX_BACKOFF_MS = 10000;
// While the server may still keep our seat (its reconnect grace, 20 s by
// default), retries stay frequent: a slow retry must not turn a short
// outage into a lost seat. Later ones back off as above.
const RESUME_WINDOW_MS = 30000;
const RESUME_RETRY_MAX_MS = 2000;
const PING_INTERVAL_MS = 10000;
const PONG_TIMEOUT_MS = 6000;
const LIVENESS_TICK_MS = 1000;

export function defaultSocketUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export class Signalling {
  constructor({ firstFrame, url = defaultSocketUrl() }) {
    this.url = url;
    this.firstFrame = firstFrame;
    this.handlers = new Map();
    this.socket = null;
    this.resumeToken = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.ended = false;
    this.up = false;
    this.pendingResume = false;
    this.lostAt = 0;
    this.lastHeard = 0;     // when the current socket last carried a frame
    this.pingSentAt = 0;    // 0: no ping unanswered
    this.livenessTimer = 0;
    this.pongTimeouts = 0;  // sockets given up for silence (test hook)
    this.onOnline = () => { if (!this.up && !this.ended) this.#reconnectNow(); };
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  start() {
    window.addEventListener('online', this.onOnline);
    this.livenessTimer = setInterval(() => this.#checkLiveness(), LIVENESS_TICK_MS);
    this.#open();
  }

  get connected() {
    return this.up;
  }

  // Sends a frame; false if the socket is not open (the caller decides
  // whether that matters).
  send(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN || !this.up) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  // Leaves on purpose: `leave`, then the socket closes, no reconnect.
  leave() {
    this.send({ type: 'leave' });
    this.#end({ reason: 'left' });
  }

  // Closes the socket for good without a word (the lobby, on sign-out).
  stop() {
    this.#end(null);
  }

  // The socket looks open but is not answering (an offer went unanswered):
  // a new one at once, whose `resume` takes the participant over from the
  // old one (docs/protocol.md).
  reconnect() {
    if (this.ended || !this.up) return;
    this.lostAt = Date.now();
    this.#emit('connection', { up: false });
    this.#reconnectNow();
  }

  // Drops the socket without leaving (the server keeps the seat for its
  // grace period): what a network loss looks like. For tests and page unload.
  drop() {
    if (this.socket) this.socket.close(4000, 'dropped');
  }

  #checkLiveness() {
    if (!this.up) return;
    const now = Date.now();
    if (this.pingSentAt) {
      if (now - this.pingSentAt < PONG_TIMEOUT_MS) return;
      this.pingSentAt = 0;
      this.pongTimeouts += 1;
      this.reconnect();
    } else if (now - this.lastHeard >= PING_INTERVAL_MS && this.send({ type: 'ping' })) {
      this.pingSentAt = now;
    }
  }

  #emit(type, message) {
    for (const handler of this.handlers.get(type) || []) handler(message);
  }

  #open() {
    clearTimeout(this.retryTimer);
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', version: 1 }));
    socket.onmessage = event => {
      if (socket !== this.socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.lastHeard = Date.now();
      this.pingSentAt = 0;
      if (message && typeof message.type === 'string') this.#receive(message);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      const wasUp = this.up;
      this.up = false;
      if (this.ended) return;
      if (wasUp) {
        this.lostAt = Date.now();
        this.#emit('connection', { up: false });
      }
      this.#scheduleReconnect();
    };
  }

  #receive(message) {
    switch (message.type) {
      case 'welcome':
        this.up = true;
        this.pendingResume = Boolean(this.resumeToken);
        this.socket.send(JSON.stringify(this.pendingResume
          ? { type: 'resume', resume_token: this.resumeToken } : this.firstFrame()));
        break;
      case 'joined':
        this.attempt = 0;
        this.resumeToken = message.resume_token || null;
        message.resumed = this.pendingResume;
        this.pendingResume = false;
        this.#emit('connection', { up: true });
        break;
      case 'rooms':
        this.attempt = 0;
        this.#emit('connection', { up: true });
        break;
      case 'error':
        if (this.pendingResume) {
          // The grace period ran out (or the server restarted): join afresh,
          // as a new participant (on this socket, or the next if it closes).
          this.pendingResume = false;
          this.resumeToken = null;
          if (message.fatal) {
            this.#reconnectNow();
          } else {
            this.socket.send(JSON.stringify(this.firstFrame()));
          }
          return;
        }
        if (message.fatal) {
          this.#end({ reason: 'fatal', code: message.code || 'error', message: message.message });
          return;
        }
        break;
      case 'kicked':
        this.#end({ reason: 'kicked' });
        return;
      case 'removed':
        this.#end({ reason: 'removed', code: message.reason || '' });
        return;
      case 'shutdown':
        // The server is going away; it may come back: try again later.
        this.resumeToken = null;
        break;
      default:
        break;
    }
    this.#emit(message.type, message);
  }

  #scheduleReconnect() {
    let base = BACKOFF_MS[this.attempt] ?? MAX_BACKOFF_MS;
    if (this.resumeToken && Date.now() - this.lostAt < RESUME_WINDOW_MS) {
      base = Math.min(base, RESUME_RETRY_MAX_MS);
    }
    this.attempt += 1;
    const delay = base * (0.8 + 0.4 * Math.random());
    this.#emit('reconnecting', { attempt: this.attempt, delay });
    this.retryTimer = setTimeout(() => this.#open(), delay);
  }

  #reconnectNow() {
    const old = this.socket;
    this.socket = null;
    this.up = false;
    if (old) old.close();
    this.#open();
  }

  #end(detail) {
    if (this.ended) return;
    this.ended = true;
    this.up = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.livenessTimer);
    window.removeEventListener('online', this.onOnline);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000);
    if (detail) this.#emit('ended', detail);
  }
}
