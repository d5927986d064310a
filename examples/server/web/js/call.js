// call.js: one participant's stay in a conference: the signalling session,
// the media connection and the conference screen, tied together.
//
// The page decides how to join (the first frame: a guest's `join` with
// name and key, or a moderator's with the session) and what to show when
// the call ends; the call decides between the waiting screen and the
// conference, keeps media running across reconnects, and reports to the
// test hook (hook.js).
//
//   const local = await openLocalMedia();
//   const call = new Call({
//     firstFrame: () => ({ type: 'join', as: 'moderator', session, room: 12 }),
//     local, onScreen: name => showScreen(name), onEnded: detail => ...,
//   });
//   call.start();
//   ...
//   call.leave();            // the red handset
//
// Runs on the page's event loop.

import { t } from './i18n.js';
import { ConferenceView } from './conference.js';
import { MediaSession } from './media.js';
import { Signalling } from './signalling.js';
import { netBanner, toast } from './ui.js';

const CAMERA = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };
const FRAME_CHECK_MS = 1000;
const STALL_MS = 2000;

// Camera and microphone, or whatever of them is available: { stream, notice }.
export async function openLocalMedia() {
  const media = navigator.mediaDevices;
  if (!media || !media.getUserMedia) return { stream: null, notice: t('conf.noDevices') };
  try {
    return { stream: await media.getUserMedia({ audio: true, video: CAMERA }), notice: '' };
  } catch {
    try {
      return { stream: await media.getUserMedia({ audio: true }), notice: t('conf.noCamera') };
    } catch {
      return { stream: null, notice: t('conf.noDevices') };
    }
  }
}

export class Call {
  constructor({ firstFrame, local, onScreen, onEnded, section }) {
    this.onScreen = onScreen;
    this.onEnded = onEnded;
    this.local = local.stream;
    this.self = { id: null, role: '', name: '' };
    this.room = { id: null, name: '' };
    this.roomState = 'idle';
    this.waiting = true;
    this.participants = [];
    this.slots = [];
    this.activeSpeaker = null;
    this.chat = [];
    this.chatIds = new Set();
    this.mic = Boolean(this.local && this.local.getAudioTracks().length);
    this.camera = Boolean(this.local && this.local.getVideoTracks().length);
    this.lastRequest = '';
    this.iceState = 'new';
    this.frames = new Map();   // mid -> { participant, source, decoded, changedAt }
    this.frameTimer = 0;
    this.started = false;
    this.resumes = 0;   // `joined` again for the same participant
    this.ended = false;
    this.remoteAudio = document.getElementById('remote-audio');

    this.view = new ConferenceView(section, {
      toggleMic: () => this.setMic(!this.mic),
      toggleCamera: () => this.setCamera(!this.camera),
      toggleScreen: () => this.toggleScreen(),
      leave: () => this.leave(),
      sendChat: text => this.#request({ type: 'chat', text }),
      kick: id => this.#request({ type: 'kick', participant: id }),
      mute: id => this.#request({ type: 'mute', participant: id, muted: true }),
      subscribe: (mid, wish) => this.media.subscribe(mid, wish),
    });
    this.view.setLocalStream(this.local);
    this.#updateControls();
    if (local.notice) toast(local.notice);

    this.media = new MediaSession({
      sendOffer: (sdp, iceRestart) => this.#request({ type: 'offer', sdp, iceRestart }),
      onSlots: slots => { this.slots = slots; this.view.setSlots(slots); },
      onActiveSpeaker: id => { this.activeSpeaker = id; this.view.setActiveSpeaker(id); },
      onTrack: (mid, track) => this.#onTrack(mid, track),
      onIceState: state => this.#onIceState(state),
      onNoAnswer: () => this.sig.reconnect(),
    });

    this.sig = new Signalling({ firstFrame });
    this.sig
      .on('joined', m => this.#onJoined(m))
      .on('state', m => this.#setState(m.state, m.waiting))
      .on('participants', m => this.#onParticipants(m.participants || []))
      .on('chat', m => this.#addChat([m]))
      .on('chat-history', m => this.#addChat(m.messages || []))
      .on('answer', m => this.media.handleAnswer(m.sdp))
      .on('error', m => this.#onError(m))
      .on('connection', ({ up }) => this.#onConnection(up))
      .on('reconnecting', () => netBanner(t('net.reconnecting')))
      .on('ended', detail => this.#end(detail));
  }

  start() {
    this.sig.start();
    // Closing the tab leaves at once (frees a guest seat); a dropped
    // network keeps the seat for the reconnect grace period instead.
    this.onPageHide = () => this.sig.leave();
    window.addEventListener('pagehide', this.onPageHide);
    this.frameTimer = setInterval(() => this.#checkFrames(), FRAME_CHECK_MS);
  }

  // The red handset: leave on purpose (guests of a moderator go on hold).
  leave() {
    this.sig.leave();
  }

  // ---- Signalling -------------------------------------------------------------

  #request(frame, label = frame.type) {
    this.lastRequest = label;
    return this.sig.send(frame);
  }

  async #onJoined(m) {
    this.self = { id: m.participant, role: m.role, name: m.name };
    this.room = { id: m.room && m.room.id, name: (m.room && m.room.name) || '' };
    this.view.setSelf(this.self);
    this.view.setRoom(this.room.name);
    this.#setState(m.state, m.waiting);
    this.media.joined(m.participant);
    try {
      if (!this.started) {
        this.started = true;
        await this.media.start(this.local);
        this.media.setMicrophone(this.mic);
      } else if (m.resumed) {
        // The same participant: the server kept its seat, its role and its
        // media transport, so the connection stays (media.js decides
        // between a plain offer and an ICE restart).
        this.resumes += 1;
        await this.media.resume();
      } else {
        // The resume was refused (grace over, server restarted): a new
        // participant, whom the server knows no transport of.
        this.#clearChat();  // its history comes again
        await this.media.joinedAfresh();
      }
    } catch (error) {
      console.warn('konfero: negotiation failed', error);
    }
  }

  #setState(state, waiting) {
    if (state) this.roomState = state;
    this.waiting = Boolean(waiting);
    this.view.setRoomState(this.roomState);
    if (this.ended) return;
    const screen = this.waiting ? 'waiting' : 'conference';
    this.onScreen(screen);
    if (screen === 'conference') this.view.refresh();
  }

  #onParticipants(list) {
    this.participants = list;
    this.view.setParticipants(list);
    const me = list.find(p => p.id === this.self.id);
    if (me && me.muted && this.mic) {
      this.mic = false;
      this.media.setMicrophone(false);
      this.#updateControls();
      toast(t('conf.mutedByModerator'));
    }
  }

  #onError(m) {
    if (m.fatal) return;  // Signalling ends the session
    const what = this.lastRequest;
    this.lastRequest = '';
    if (what === 'offer') this.media.failOffer(new Error(m.code));
    else if (what === 'chat') toast(t('conf.chatFailed'), 'error');
    else if (what === 'kick' || what === 'mute') toast(t('page.error.title'), 'error');
  }

  #onConnection(up) {
    if (up) {
      netBanner(this.iceState === 'disconnected' || this.iceState === 'failed' ? t('net.mediaReconnecting') : null);
    } else {
      this.media.failOffer(new Error('socket closed'));
      netBanner(t('net.reconnecting'));
    }
  }

  #onIceState(state) {
    const wasDown = this.iceState === 'disconnected' || this.iceState === 'failed';
    this.iceState = state;
    if (!this.sig.connected) return;
    if (state === 'disconnected' || state === 'failed') netBanner(t('net.mediaReconnecting'));
    else if (state === 'connected' || state === 'completed') {
      netBanner(null);
      if (wasDown) toast(t('net.reconnected'));
    }
  }

  #end(detail) {
    this.ended = true;
    clearInterval(this.frameTimer);
    window.removeEventListener('pagehide', this.onPageHide);
    netBanner(null);
    this.media.close();
    if (this.local) for (const track of this.local.getTracks()) track.stop();
    if (this.remoteAudio) this.remoteAudio.srcObject = null;
    this.view.destroy();
    this.onEnded(detail);
  }

  // ---- Media ------------------------------------------------------------------------

  // Which slots' video stands still: decoded frames not counting up.
  async #checkFrames() {
    if (this.waiting || !this.slots.length) return;
    const { video } = await this.media.stats();
    if (this.ended) return;
    const now = Date.now();
    const stalled = new Set();
    for (const slot of this.slots) {
      if (slot.participant === null) continue;
      const decoded = video.slots[slot.mid] ? video.slots[slot.mid].framesDecoded : 0;
      const last = this.frames.get(slot.mid);
      const sameSource = last && last.participant === slot.participant && last.source === slot.source;
      if (!sameSource || last.decoded !== decoded) {
        this.frames.set(slot.mid, { participant: slot.participant, source: slot.source, decoded, changedAt: now });
      } else if (now - last.changedAt >= STALL_MS) {
        stalled.add(slot.mid);
      }
    }
    const same = stalled.size === this.view.stalled.size && [...stalled].every(mid => this.view.stalled.has(mid));
    if (!same) this.view.setStalled(stalled);
  }

  #onTrack(mid, track) {
    if (track.kind === 'audio') {
      if (this.remoteAudio) {
        this.remoteAudio.srcObject = new MediaStream([track]);
        this.remoteAudio.play().catch(() => {});
      }
      return;
    }
    this.view.setTrack(mid, track);
  }

  setMic(on) {
    if (!this.local || !this.local.getAudioTracks().length) return;
    this.mic = on;
    this.media.setMicrophone(on);
    // Our own mute flag is what the others see in the list (anyone may
    // mute or unmute themselves; only a moderator mutes others).
    this.#request({ type: 'mute', participant: this.self.id, muted: !on }, 'self-mute');
    this.#updateControls();
  }

  setCamera(on) {
    if (!this.local || !this.local.getVideoTracks().length) return;
    this.camera = on;
    this.media.setCamera(on);
    this.#updateControls();
  }

  async toggleScreen() {
    if (this.media.sharing) {
      await this.media.stopScreenShare();
      this.#updateControls();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return;  // the user cancelled the picker
    }
    const track = stream.getVideoTracks()[0];
    track.addEventListener('ended', () => {
      if (this.media.screenTrack === track) this.toggleScreen();
    });
    try {
      await this.media.startScreenShare(track);
    } catch (error) {
      console.warn('konfero: screen share failed', error);
      toast(t('conf.shareFailed'), 'error');
      await this.media.stopScreenShare();
    }
    this.#updateControls();
  }

  #updateControls() {
    this.view.setControls({
      mic: this.mic, camera: this.camera, sharing: Boolean(this.media && this.media.sharing),
      hasMic: Boolean(this.local && this.local.getAudioTracks().length),
      hasCamera: Boolean(this.local && this.local.getVideoTracks().length),
    });
  }

  // ---- Chat -----------------------------------------------------------------------

  #addChat(messages) {
    const fresh = messages.filter(m => m.id === undefined || !this.chatIds.has(m.id));
    for (const m of fresh) if (m.id !== undefined) this.chatIds.add(m.id);
    if (!fresh.length) return;
    this.chat.push(...fresh.map(({ id, from, role, text, at }) => ({ id, from, role, text, at })));
    this.view.addChat(fresh);
  }

  #clearChat() {
    this.chat = [];
    this.chatIds.clear();
    this.view.clearChat();
  }

  // ---- Test hook --------------------------------------------------------------------

  snapshot() {
    return {
      self: { ...this.self }, room: { ...this.room }, roomState: this.roomState, waiting: this.waiting,
      participants: this.participants.map(p => ({ ...p })), slots: this.slots.map(s => ({ ...s })),
      activeSpeaker: this.activeSpeaker, chat: this.chat.map(m => ({ ...m })),
      mic: this.mic, camera: this.camera, sharing: this.media.sharing,
      signalling: this.sig.connected, ice: this.iceState,
      resumes: this.resumes, pongTimeouts: this.sig.pongTimeouts, media: this.media.info(),
    };
  }
}
