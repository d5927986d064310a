// rooms.js: the moderator's room list: each room's state, a live "guests
// waiting" highlight, the "allow guests" switch, the invitation (dial-in
// number, PIN, link) with copy and regenerate, and the green handset.
//
// Cards are kept per room id and updated in place, so a live update from
// the lobby socket does not disturb focus or an open invitation.
//
//   const list = new RoomList(document.getElementById('room-list'), api, { onJoin: room => ... });
//   list.setRooms(rooms);        // from GET /api/rooms or a lobby `rooms` frame
//
// Stable ids: room-<id>, room-<id>-join, room-<id>-public, room-<id>-dialin,
// room-<id>-pin, room-<id>-url, room-<id>-copy, room-<id>-regenerate,
// room-<id>-waiting.

import { lang, plural, t } from './i18n.js';
import { icon } from './icons.js';
import { confirmDialog, copyText, el, toast } from './ui.js';

export class RoomList {
  constructor(listElement, emptyElement, api, { onJoin, onUnauthenticated }) {
    this.listElement = listElement;
    this.emptyElement = emptyElement;
    this.api = api;
    this.onJoin = onJoin;
    this.onUnauthenticated = onUnauthenticated;
    this.cards = new Map();   // room id -> card
    this.rooms = [];
  }

  setRooms(rooms) {
    this.rooms = rooms;
    const seen = new Set();
    for (const room of rooms) {
      seen.add(room.id);
      let card = this.cards.get(room.id);
      if (!card) {
        card = this.#createCard(room);
        this.cards.set(room.id, card);
      }
      this.listElement.append(card.item);  // keeps the server's order
      this.#updateCard(card, room);
    }
    for (const [id, card] of this.cards) {
      if (seen.has(id)) continue;
      card.item.remove();
      this.cards.delete(id);
    }
    this.emptyElement.hidden = rooms.length > 0;
  }

  // ---- One card -----------------------------------------------------------------

  #createCard(room) {
    const id = room.id;
    const card = { id, room, access: null, busy: false };
    card.name = el('h2', { class: 'room-name', id: `room-${id}-name` });
    card.state = el('span', { class: 'badge state', id: `room-${id}-state` });
    card.count = el('span', { class: 'room-count muted', id: `room-${id}-count` });
    card.waiting = el('span', { class: 'badge attention', id: `room-${id}-waiting`, hidden: true },
      el('span', { class: 'dot', 'aria-hidden': 'true' }), t('rooms.guestsWaiting'));
    card.join = el('button', {
      id: `room-${id}-join`, type: 'button', class: 'btn join',
      onclick: () => this.onJoin(card.room),
    }, icon('handset'), el('span', {}, t('rooms.join')));
    card.publicSwitch = el('button', {
      id: `room-${id}-public`, type: 'button', role: 'switch', class: 'switch', 'aria-checked': 'false',
      onclick: () => this.#togglePublic(card),
    }, el('span', { class: 'switch-thumb', 'aria-hidden': 'true' }));
    card.publicLabel = el('span', { class: 'switch-label', id: `room-${id}-public-label` }, t('rooms.allowGuests'));
    card.publicSwitch.setAttribute('aria-labelledby', `room-${id}-public-label room-${id}-name`);
    card.privateHint = el('p', { class: 'hint private-hint' }, t('rooms.private'));

    card.dialIn = el('dd', { id: `room-${id}-dialin` });
    card.pin = el('dd', { id: `room-${id}-pin`, class: 'pin' });
    card.url = el('a', { id: `room-${id}-url`, target: '_blank', rel: 'noopener noreferrer' });
    card.copy = el('button', { id: `room-${id}-copy`, type: 'button', class: 'btn', onclick: () => this.#copy(card) },
      icon('copy'), el('span', {}, t('rooms.copy')));
    card.regenerate = el('button', {
      id: `room-${id}-regenerate`, type: 'button', class: 'btn ghost', onclick: () => this.#regenerate(card),
    }, icon('refresh'), el('span', {}, t('rooms.regenerate')));
    card.invitation = el('div', { class: 'invitation', id: `room-${id}-invitation`, hidden: true },
      el('dl', {},
        el('div', {}, el('dt', {}, t('rooms.dialIn')), card.dialIn),
        el('div', {}, el('dt', {}, t('rooms.pin')), card.pin),
        el('div', { class: 'wide' }, el('dt', {}, t('rooms.url')), el('dd', {}, card.url))),
      el('div', { class: 'invitation-actions' }, card.copy, card.regenerate));

    card.item = el('li', { id: `room-${id}`, class: 'room-card' },
      el('div', { class: 'room-head' },
        el('div', { class: 'room-title' }, card.name, el('div', { class: 'room-status' }, card.state, card.count)),
        card.waiting, card.join),
      el('div', { class: 'room-access' },
        el('div', { class: 'switch-row' }, card.publicSwitch, card.publicLabel),
        card.privateHint, card.invitation));
    return card;
  }

  #updateCard(card, room) {
    const wasPublic = card.room.public;
    card.room = room;
    const id = room.id;
    card.name.textContent = room.name;
    card.state.textContent = t(`rooms.state.${room.state}`);
    card.state.dataset.state = room.state;
    card.count.textContent = room.participants > 0 ? plural('rooms.participants', room.participants) : '';
    card.waiting.hidden = !room.guests_waiting;
    card.item.classList.toggle('guests-waiting', Boolean(room.guests_waiting));
    card.item.dataset.state = room.state;
    card.item.dataset.guestsWaiting = String(Boolean(room.guests_waiting));
    card.item.dataset.public = String(Boolean(room.public));
    card.join.setAttribute('aria-label', t('rooms.joinRoom', { room: room.name }));
    card.publicSwitch.setAttribute('aria-checked', String(Boolean(room.public)));
    card.privateHint.hidden = Boolean(room.public);
    if (!room.public) {
      card.access = null;
      card.invitation.hidden = true;
    } else if (!card.access || wasPublic !== room.public) {
      this.#loadAccess(card, id);
    }
  }

  async #loadAccess(card, id) {
    try {
      this.#showAccess(card, await this.api.access(id));
    } catch (error) {
      this.#failed(error);
    }
  }

  #showAccess(card, access) {
    card.access = access && access.public ? access : null;
    card.invitation.hidden = !card.access;
    card.privateHint.hidden = Boolean(card.access);
    card.publicSwitch.setAttribute('aria-checked', String(Boolean(card.access)));
    if (!card.access) return;
    card.dialIn.textContent = access.dial_in_number || '—';
    card.pin.textContent = access.pin || '—';
    card.url.textContent = access.url;
    card.url.href = access.url;
  }

  async #togglePublic(card) {
    if (card.busy) return;
    const makePublic = !card.room.public;
    if (!makePublic) {
      const question = t('rooms.makePrivateConfirm', { room: card.room.name });
      if (!(await confirmDialog(question, t('rooms.makePrivate')))) return;
    }
    card.busy = true;
    try {
      const access = await this.api.setPublic(card.id, makePublic);
      card.room = { ...card.room, public: Boolean(access.public) };
      this.#updateCard(card, card.room);
      this.#showAccess(card, access);
    } catch (error) {
      this.#failed(error);
    } finally {
      card.busy = false;
    }
  }

  async #regenerate(card) {
    if (!(await confirmDialog(t('rooms.regenerateConfirm', { room: card.room.name }), t('rooms.regenerate')))) return;
    try {
      this.#showAccess(card, await this.api.regenerate(card.id));
      toast(t('rooms.regenerated'));
    } catch (error) {
      this.#failed(error);
    }
  }

  async #copy(card) {
    if (!card.access) return;
    const text = lang === 'de' ? card.access.invitation_de : card.access.invitation_en;
    try {
      await copyText(text);
      toast(t('rooms.copied'));
    } catch {
      toast(t('rooms.copyFailed'), 'error');
    }
  }

  #failed(error) {
    if (error && error.status === 401) {
      this.onUnauthenticated();
      return;
    }
    toast(t('page.error.title'), 'error');
  }
}
