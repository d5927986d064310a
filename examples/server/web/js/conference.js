// conference.js: the in-conference screen: video tiles, the control bar,
// the participant list (with kick and remote mute for moderators) and
// the chat panel. It only draws and reports clicks; call.js owns the
// connection and calls the set*() methods when something changes.
//
//   const view = new ConferenceView(document.getElementById('screen-conference'), {
//     toggleMic, toggleCamera, toggleScreen, leave, sendChat: text => bool,
//     kick: id => ..., mute: id => ..., subscribe: (mid, wish) => ... });
//   view.setParticipants(list); view.setSlots(slots); view.setTrack(mid, track);
//
// Phone guests (role phone_guest, named by their masked caller id) are
// listed with a handset and the "Phone guest" badge; moderators mute and
// kick them like browser guests.
//
// Stable ids for tests: tile-self, tile-<mid>, participant-<id>, kick-<id>,
// mute-<id>, chat-log, chat-input, chat-send, btn-mic, btn-camera,
// btn-screen, btn-participants, btn-chat, btn-leave.

import { lang, t } from './i18n.js';
import { icon } from './icons.js';
import { confirmDialog, el } from './ui.js';

const NARROW = window.matchMedia('(max-width: 760px)');
const GAP = 8;  // px between tiles, as in app.css

function initial(name) {
  return ([...String(name || '').trim()][0] || '?').toUpperCase();
}

function roleLabel(role) {
  return t(`conf.role.${role}`);
}

const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });

export class ConferenceView {
  constructor(section, actions) {
    this.section = section;
    this.actions = actions;
    this.self = { id: null, role: '', name: '' };
    this.participants = [];
    this.byId = new Map();
    this.slots = [];
    this.tiles = new Map();   // mid -> { figure, video, label, avatar }
    this.activeSpeaker = null;
    this.stalled = new Set();
    this.resizeTimer = 0;
    this.resizeObserver = new ResizeObserver(() => {
      this.#layout();
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => this.#reportTileSizes(), 300);
    });
    this.#build();
    this.resizeObserver.observe(this.tilesBox);
  }

  // ---- Building --------------------------------------------------------------

  #build() {
    this.roomName = el('h1', { id: 'conf-room-name', class: 'conf-title' });
    this.stateBadge = el('span', { id: 'conf-state', class: 'badge' });
    this.side = el('aside', { id: 'side-panel', class: 'side' },
      el('button', {
        class: 'btn ghost icon-only side-close', type: 'button', 'aria-label': t('conf.closePanel'),
        onclick: () => this.#closePanels(),
      }, icon('close')),
      this.#buildParticipants(), this.#buildChat());
    this.section.replaceChildren(el('div', { class: 'conf' },
      el('header', { class: 'conf-bar' }, this.roomName, this.stateBadge),
      el('div', { class: 'conf-body' }, this.#buildStage(), this.side),
      this.#buildControls()));

    const wide = !NARROW.matches;
    this.#showPanel(this.participantsPanel, this.peopleButton, wide);
    this.#showPanel(this.chatPanel, this.chatButton, wide);
    this.#layout();
  }

  #buildStage() {
    this.selfVideo = el('video', { autoplay: true, playsinline: true, class: 'mirror' });
    this.selfVideo.muted = true;
    this.selfTile = el('figure', { id: 'tile-self', class: 'tile self' },
      el('div', { class: 'avatar big', 'aria-hidden': 'true' }, icon('person')),
      this.selfVideo,
      el('figcaption', { class: 'tile-label' }, t('conf.you')));
    this.tilesBox = el('div', { id: 'tiles', class: 'tiles' }, this.selfTile);
    return el('main', { class: 'stage', 'aria-label': t('conf.stage') }, this.tilesBox);
  }

  #buildParticipants() {
    this.countBadge = el('span', { id: 'participant-count', class: 'count' });
    this.list = el('ul', { id: 'participant-list', class: 'participant-list' });
    this.participantsPanel = el('section', {
      id: 'panel-participants', class: 'panel', 'aria-labelledby': 'panel-participants-title',
    },
    el('h2', { id: 'panel-participants-title' }, t('conf.participants'), ' ', this.countBadge),
    this.list);
    return this.participantsPanel;
  }

  #buildChat() {
    this.chatLog = el('ol', {
      id: 'chat-log', class: 'chat-log', role: 'log', 'aria-live': 'polite',
      'aria-labelledby': 'panel-chat-title',
    });
    // The log follows new messages while the reader is at its end, also
    // when the panel changes size (the participant list grows).
    this.chatPinned = true;
    this.chatLog.addEventListener('scroll', () => {
      const log = this.chatLog;
      this.chatPinned = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    });
    new ResizeObserver(() => { if (this.chatPinned) this.#scrollChatDown(); }).observe(this.chatLog);
    this.chatEmpty = el('p', { id: 'chat-empty', class: 'muted' }, t('conf.chatEmpty'));
    this.chatInput = el('input', {
      id: 'chat-input', type: 'text', maxlength: 4000, autocomplete: 'off',
      placeholder: t('conf.chatPlaceholder'),
    });
    const send = el('button', {
      id: 'chat-send', type: 'submit', class: 'btn primary icon-only',
      'aria-label': t('conf.send'), title: t('conf.send'),
    }, icon('send'));
    const form = el('form', { id: 'chat-form', class: 'chat-form', onsubmit: e => this.#submitChat(e) },
      el('label', { for: 'chat-input', class: 'sr-only' }, t('conf.chatLabel')), this.chatInput, send);
    this.chatPanel = el('section', { id: 'panel-chat', class: 'panel chat', 'aria-labelledby': 'panel-chat-title' },
      el('h2', { id: 'panel-chat-title' }, t('conf.chat')), this.chatEmpty, this.chatLog, form);
    return this.chatPanel;
  }

  #buildControls() {
    this.micButton = this.#control('btn-mic', 'mic', () => this.actions.toggleMic());
    this.cameraButton = this.#control('btn-camera', 'camera', () => this.actions.toggleCamera());
    this.screenButton = this.#control('btn-screen', 'screen', () => this.actions.toggleScreen());
    this.peopleButton = this.#control('btn-participants', 'people',
      () => this.#togglePanel(this.participantsPanel, this.peopleButton), t('conf.participants'));
    this.chatButton = this.#control('btn-chat', 'chat',
      () => this.#togglePanel(this.chatPanel, this.chatButton), t('conf.chat'));
    this.peopleButton.setAttribute('aria-controls', 'panel-participants');
    this.chatButton.setAttribute('aria-controls', 'panel-chat');
    this.leaveButton = el('button', {
      id: 'btn-leave', type: 'button', class: 'ctl hangup', 'aria-label': t('conf.leave'),
      title: t('conf.leave'), onclick: () => this.actions.leave(),
    }, icon('handset'));
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) this.screenButton.hidden = true;
    return el('div', { class: 'controls', role: 'toolbar', 'aria-label': t('conf.controls') },
      el('div', { class: 'controls-group' }, this.micButton, this.cameraButton, this.screenButton),
      el('div', { class: 'controls-group' }, this.peopleButton, this.chatButton),
      el('div', { class: 'controls-group' }, this.leaveButton));
  }

  #control(id, iconName, onclick, label = '') {
    const attributes = { id, type: 'button', class: 'ctl', 'aria-label': label, title: label || undefined, onclick };
    return el('button', attributes, icon(iconName));
  }

  #showPanel(panel, button, show) {
    panel.hidden = !show;
    button.setAttribute('aria-pressed', String(show));
    if (show && panel === this.chatPanel) this.chatButton.classList.remove('unread');
    this.side.hidden = this.participantsPanel.hidden && this.chatPanel.hidden;
  }

  #togglePanel(panel, button) {
    const show = panel.hidden;
    if (show && NARROW.matches) {
      // One panel at a time on a phone.
      this.#showPanel(this.participantsPanel, this.peopleButton, false);
      this.#showPanel(this.chatPanel, this.chatButton, false);
    }
    this.#showPanel(panel, button, show);
    if (show && panel === this.chatPanel) this.chatInput.focus();
  }

  #closePanels() {
    this.#showPanel(this.participantsPanel, this.peopleButton, false);
    this.#showPanel(this.chatPanel, this.chatButton, false);
  }

  // ---- State from the call ----------------------------------------------------

  setSelf(self) {
    this.self = { ...self };
    this.#renderParticipants();
  }

  setRoom(name) {
    this.roomName.textContent = name;
  }

  setRoomState(state) {
    this.stateBadge.textContent = t(`conf.state.${state}`);
    this.stateBadge.dataset.state = state;
  }

  setLocalStream(stream) {
    this.selfVideo.srcObject = stream;
    this.#updateSelfTile();
  }

  // Mic, camera and screen-share buttons: { mic, camera, sharing, hasMic, hasCamera }.
  setControls({ mic, camera, sharing, hasMic, hasCamera }) {
    this.#setToggle(this.micButton, mic, mic ? 'mic' : 'micOff',
      mic ? 'conf.micOff' : 'conf.micOn', hasMic);
    this.#setToggle(this.cameraButton, camera, camera ? 'camera' : 'cameraOff',
      camera ? 'conf.camOff' : 'conf.camOn', hasCamera);
    this.screenButton.classList.toggle('active', sharing);
    const label = t(sharing ? 'conf.shareStop' : 'conf.shareStart');
    this.screenButton.setAttribute('aria-label', label);
    this.screenButton.title = label;
    this.cameraOn = camera && hasCamera;
    this.#updateSelfTile();
  }

  #setToggle(button, on, iconName, labelKey, available) {
    button.replaceChildren(icon(iconName));
    button.classList.toggle('off', !on);
    // The label names the action ("Turn camera off"), so no aria-pressed.
    button.setAttribute('aria-label', t(labelKey));
    button.title = t(labelKey);
    button.disabled = !available;
  }

  #updateSelfTile() {
    const hasVideo = Boolean(this.selfVideo.srcObject && this.selfVideo.srcObject.getVideoTracks().length);
    this.selfTile.classList.toggle('no-video', !(hasVideo && this.cameraOn !== false));
    this.selfTile.classList.toggle('speaking', this.self.id !== null && this.self.id === this.activeSpeaker);
  }

  setParticipants(list) {
    this.participants = list;
    this.byId = new Map(list.map(p => [p.id, p]));
    this.#renderParticipants();
    this.#renderTiles();
  }

  setSlots(slots) {
    this.slots = slots;
    this.#renderTiles();
  }

  setTrack(mid, track) {
    if (track.kind !== 'video') return;
    const tile = this.#tile(mid);
    tile.video.srcObject = new MediaStream([track]);
  }

  // Slots whose video stands still (camera off, screen share paused, a
  // slot just refilled): their avatar instead of a frozen frame; a paused
  // screen share is not shown at all.
  setStalled(stalledMids) {
    this.stalled = stalledMids;
    this.#renderTiles();
  }

  setActiveSpeaker(id) {
    this.activeSpeaker = id;
    this.#renderTiles();
    for (const item of this.list.children) {
      item.classList.toggle('speaking', Number(item.dataset.participant) === id);
    }
    this.#updateSelfTile();
  }

  // Appends chat messages (call.js drops the ones already shown).
  addChat(messages) {
    if (!messages.length) return;
    for (const m of messages) {
      const mine = m.from === this.self.name && m.role === this.self.role;
      const at = new Date(Number(m.at) || Date.now());
      this.chatLog.append(el('li', { class: `chat-msg${mine ? ' mine' : ''}`, dataset: { id: m.id ?? '' } },
        el('div', { class: 'chat-meta' },
          el('span', { class: 'chat-from' }, m.from || '?'),
          m.role === 'moderator' ? el('span', { class: 'badge small' }, roleLabel('moderator')) : null,
          el('time', { datetime: at.toISOString() }, timeFormat.format(at))),
        el('p', { class: 'chat-text' }, m.text || '')));
    }
    this.chatEmpty.hidden = true;
    if (this.chatPinned || messages.length > 1) this.#scrollChatDown();
    if (this.chatPanel.hidden) this.chatButton.classList.add('unread');
  }

  #scrollChatDown() {
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
    this.chatPinned = true;
  }

  clearChat() {
    this.chatLog.replaceChildren();
    this.chatEmpty.hidden = false;
  }

  // ---- Participants ------------------------------------------------------------

  #renderParticipants() {
    const isModerator = this.self.role === 'moderator';
    this.countBadge.textContent = String(this.participants.length);
    const items = this.participants.map(p => {
      const isSelf = p.id === this.self.id;
      const name = isSelf ? t('conf.youSuffix', { name: p.name }) : p.name;
      const actions = [];
      if (isModerator && !isSelf) {
        actions.push(el('button', {
          id: `mute-${p.id}`, type: 'button', class: 'icon-btn', disabled: p.muted,
          'aria-label': t('conf.mute', { name: p.name }), title: t('conf.mute', { name: p.name }),
          onclick: () => this.actions.mute(p.id),
        }, icon('micOff')));
        actions.push(el('button', {
          id: `kick-${p.id}`, type: 'button', class: 'icon-btn danger',
          'aria-label': t('conf.kick', { name: p.name }), title: t('conf.kick', { name: p.name }),
          onclick: () => this.#confirmKick(p),
        }, icon('trash')));
      }
      return el('li', {
        id: `participant-${p.id}`, class: `participant${p.id === this.activeSpeaker ? ' speaking' : ''}`,
        dataset: { participant: p.id, role: p.role },
      },
      // A phone guest has a handset for an avatar: "Phone …4567" is a
      // masked caller id, not a name to take an initial from.
      el('span', { class: `avatar${p.role === 'phone_guest' ? ' phone' : ''}`, 'aria-hidden': 'true' },
        p.role === 'phone_guest' ? icon('handset') : initial(p.name)),
      el('span', { class: 'pinfo' },
        el('span', { class: 'pname' }, name),
        el('span', { class: 'pmeta' },
          el('span', { class: `badge small role-${p.role}` }, roleLabel(p.role)),
          p.waiting ? el('span', { class: 'badge small waiting' }, t('conf.waiting')) : null)),
      p.muted
        ? el('span', { class: 'muted-mark', role: 'img', 'aria-label': t('conf.muted'), title: t('conf.muted') },
          icon('micOff'))
        : null,
      el('span', { class: 'pactions' }, actions));
    });
    this.list.replaceChildren(...items);
  }

  async #confirmKick(p) {
    if (await confirmDialog(t('conf.kickConfirm', { name: p.name }), t('conf.kickOk'))) this.actions.kick(p.id);
  }

  // ---- Tiles -------------------------------------------------------------------------

  #tile(mid) {
    let tile = this.tiles.get(mid);
    if (tile) return tile;
    const video = el('video', { autoplay: true, playsinline: true });
    video.muted = true;  // the sound is the room's mix on the audio element
    const avatar = el('div', { class: 'avatar big', 'aria-hidden': 'true' });
    const label = el('figcaption', { class: 'tile-label' });
    const figure = el('figure', { id: `tile-${mid}`, class: 'tile', hidden: true, dataset: { mid } },
      avatar, video, label);
    tile = { figure, video, label, avatar };
    this.tiles.set(mid, tile);
    this.tilesBox.append(figure);
    return tile;
  }

  #renderTiles() {
    for (const slot of this.slots) {
      const tile = this.#tile(slot.mid);
      const who = slot.participant === null ? null : this.byId.get(slot.participant);
      const stalled = this.stalled.has(slot.mid);
      const shown = slot.participant !== null && !(stalled && slot.source === 'screen');
      tile.figure.hidden = !shown;
      tile.figure.classList.toggle('no-video', stalled);
      tile.figure.dataset.participant = shown ? slot.participant : '';
      tile.figure.dataset.source = slot.source;
      tile.figure.classList.toggle('screen', slot.source === 'screen');
      const speaking = shown && slot.source === 'camera' && slot.participant === this.activeSpeaker;
      tile.figure.classList.toggle('speaking', speaking);
      const name = who ? who.name : '';
      tile.label.textContent = slot.source === 'screen' ? t('conf.screenOf', { name }) : name;
      tile.avatar.textContent = initial(name);
      if (shown && tile.video.paused && tile.video.srcObject) tile.video.play().catch(() => {});
    }
    const known = new Set(this.slots.map(s => s.mid));
    for (const [mid, tile] of this.tiles) if (!known.has(mid)) tile.figure.hidden = true;
    this.#layout();
    this.#reportTileSizes();
  }

  // The largest 16:9 tile size at which all visible tiles fit the stage.
  #layout() {
    const visible = [...this.tilesBox.children].filter(c => !c.hidden);
    const n = Math.max(1, visible.length);
    const width = this.tilesBox.clientWidth;
    const height = this.tilesBox.clientHeight;
    this.tilesBox.dataset.count = String(n);
    if (!width || !height) return;
    let best = 0;
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const w = Math.min((width - GAP * (cols - 1)) / cols, ((height - GAP * (rows - 1)) / rows) * 16 / 9);
      best = Math.max(best, w);
    }
    this.tilesBox.style.setProperty('--tile-w', `${Math.floor(best)}px`);
  }

  // Tells the SFU how big each tile is; empty slots, and all of them while
  // the screen is hidden, are paused. A stalled screen share stays
  // subscribed (unlimited) so that it shows again when it resumes.
  #reportTileSizes() {
    const filled = new Set(this.slots.filter(s => s.participant !== null).map(s => s.mid));
    for (const [mid, tile] of this.tiles) {
      const paused = this.section.hidden || !filled.has(mid);
      const box = tile.figure.hidden ? { width: 0, height: 0 } : tile.figure.getBoundingClientRect();
      this.actions.subscribe(mid, { paused, width: paused ? 0 : box.width, height: paused ? 0 : box.height });
    }
  }

  // Called when the screen becomes visible again (sizes were zero while hidden).
  refresh() {
    this.#layout();
    this.#reportTileSizes();
  }

  // ---- Chat -----------------------------------------------------------------------------

  #submitChat(event) {
    event.preventDefault();
    const text = this.chatInput.value.trim();
    if (!text) return;
    if (this.actions.sendChat(text)) this.chatInput.value = '';
  }

  destroy() {
    this.resizeObserver.disconnect();
    clearTimeout(this.resizeTimer);
    for (const tile of this.tiles.values()) tile.video.srcObject = null;
    this.selfVideo.srcObject = null;
    this.section.replaceChildren();
  }
}
