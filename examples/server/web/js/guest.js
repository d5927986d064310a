// guest.js: the guest page, served for /r/<url_token>.
//
// Checks the link first (GET /api/guest/<token>, which admits nobody): a
// wrong link goes straight to the "not valid" page and the link of a room
// made private to the "not public any more" page, without asking for a
// name. Otherwise it shows the room's name, asks for the guest's, joins
// with a guest key kept in localStorage (the same browser is the same guest
// across reconnects), then shows the waiting screen or the conference as
// the server says, and a clear page when the call ends. When the server
// has a dial-in number, the name and waiting screens also show the phone
// alternative ("Dial ... and enter PIN ... followed by #"): the lookup
// gives it to the holder of the link only.

import { ApiError, guestRoom } from './api.js';
import { Call, openLocalMedia } from './call.js';
import { setActiveCall } from './hook.js';
import { applyI18n, t, tParts } from './i18n.js';
import { icon } from './icons.js';
import { addMessagePages } from './pages.js';
import { el, showScreen } from './ui.js';

const KEY_STORAGE = 'konfero.guestKey';
const NAME_STORAGE = 'konfero.guestName';

// End of a call -> the page to show.
const FATAL_PAGES = {
  bad_url: 'bad-url', not_public: 'not-public', no_licence: 'no-licence', banned: 'banned',
  guest_limit: 'guest-limit',
};

// The link lookup's refusals (docs/api.md) -> the page to show. 400: no
// link looks like that. Anything else (unreachable, rate limited, a server
// fault) is the error page, whose button reloads.
const LOOKUP_PAGES = { 400: 'bad-url', 404: 'bad-url', 410: 'not-public' };

// The link's token; '' (the wrong-link page) when there is none or its
// %-escapes are no UTF-8 (decodeURIComponent throws on "/r/%FF").
function urlToken() {
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts.length < 2 || parts[parts.length - 2] !== 'r') return '';
  try {
    return decodeURIComponent(parts[parts.length - 1]);
  } catch {
    return '';
  }
}

function guestKey() {
  let key = localStorage.getItem(KEY_STORAGE);
  if (!key || key.length < 16) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    key = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem(KEY_STORAGE, key);
  }
  return key;
}

const token = urlToken();
let name = localStorage.getItem(NAME_STORAGE) || '';
let call = null;
let lookup = null;  // the answer of GET /api/guest/<token>

// The "join by phone" box with id `id` (name-phone, waiting-phone): the
// number as a tel: link and the PIN; hidden without a dial-in number (an
// older server, or none configured). Stable ids: <id>-number, <id>-pin.
function fillPhoneBox(id, info) {
  const box = document.getElementById(id);
  const number = (info && info.dial_in_number) || '';
  const pin = (info && info.pin) || '';
  box.hidden = !(number && pin);
  if (box.hidden) return box.replaceChildren();
  const dial = number.replace(/[^\d+]/g, '');
  const parts = tParts('phone.text', {
    number: el('a', { id: `${id}-number`, class: 'phone-number', href: `tel:${dial}` }, number),
    pin: el('strong', { id: `${id}-pin`, class: 'phone-pin' }, pin),
  });
  box.replaceChildren(
    el('h2', { id: `${id}-title`, class: 'phone-title' }, icon('handset'), t('phone.title')),
    el('p', { id: `${id}-text`, class: 'phone-text' }, parts),
    el('p', { class: 'hint' }, t('phone.hint')));
}

function show(screen) {
  if (screen === 'waiting' && call) {
    document.getElementById('waiting-room').textContent = call.room.name;
  }
  showScreen(screen);
}

function askName(roomName, error = '') {
  document.getElementById('name-room').textContent = roomName ? t('name.room', { room: roomName }) : '';
  const state = document.getElementById('name-state');
  state.textContent = lookup ? t(lookup.moderator_present ? 'name.running' : 'name.waiting') : '';
  state.hidden = !lookup;
  const input = document.getElementById('name-input');
  input.value = name;
  const errorLine = document.getElementById('name-error');
  errorLine.textContent = error;
  errorLine.hidden = !error;
  input.setAttribute('aria-invalid', String(Boolean(error)));
  showScreen('name');
  input.focus();
}

async function join() {
  const submit = document.getElementById('name-submit');
  submit.disabled = true;
  showScreen('loading');
  const local = await openLocalMedia();
  submit.disabled = false;
  document.getElementById('waiting-preview').srcObject = local.stream;
  const key = guestKey();
  call = new Call({
    firstFrame: () => ({ type: 'join', as: 'guest', url_token: token, name, guest_key: key }),
    local,
    section: document.getElementById('screen-conference'),
    onScreen: show,
    onEnded: ended,
  });
  setActiveCall(call);
  call.start();
}

function ended(detail) {
  const roomName = document.getElementById('name-room').dataset.room || '';
  document.getElementById('waiting-preview').srcObject = null;
  if (detail.reason === 'kicked') return showScreen('kicked');
  if (detail.reason === 'left') return showScreen('left');
  if (detail.reason === 'removed') return showScreen(detail.code === 'access_revoked' ? 'not-public' : 'ended');
  if (FATAL_PAGES[detail.code]) return showScreen(FATAL_PAGES[detail.code]);
  if (detail.code === 'invalid_argument') return askName(roomName, t('name.invalid'));
  return showScreen('error');
}

async function main() {
  applyI18n();
  addMessagePages(document.body, {
    left: { action: 'page.left.rejoin', onAction: () => join() },
    'no-licence': { action: 'common.tryAgain', onAction: () => join() },
    'guest-limit': { action: 'common.tryAgain', onAction: () => join() },
    error: { action: 'common.tryAgain', onAction: () => location.reload() },
  });
  document.getElementById('name-form').addEventListener('submit', event => {
    event.preventDefault();
    const value = document.getElementById('name-input').value.trim();
    if (!value) {
      askName(document.getElementById('name-room').dataset.room || '', t('name.required'));
      return;
    }
    name = value;
    localStorage.setItem(NAME_STORAGE, name);
    join();
  });
  document.getElementById('waiting-leave').addEventListener('click', () => call && call.leave());

  if (!token) return showScreen('bad-url');
  try {
    lookup = await guestRoom(token);
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    return showScreen(LOOKUP_PAGES[status] || 'error');
  }
  const room = lookup.room || '';
  document.getElementById('name-room').dataset.room = room;
  fillPhoneBox('name-phone', lookup);
  fillPhoneBox('waiting-phone', lookup);
  askName(room);
}

main();
