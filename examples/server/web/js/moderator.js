// moderator.js: the moderator's page (index.html): sign in, the room list
// (kept live by the lobby socket's `watch-rooms`), and the conference
// after the green handset; the red handset leads back to the list.

import { Api } from './api.js';
import { Call, openLocalMedia } from './call.js';
import { setActiveCall, setLobbyState } from './hook.js';
import { applyI18n, t } from './i18n.js';
import { addMessagePages } from './pages.js';
import { RoomList } from './rooms.js';
import { Signalling } from './signalling.js';
import { showScreen, toast } from './ui.js';

const POLL_MS = 5000;

const api = new Api();
let user = null;
let lobby = null;
let pollTimer = 0;
let call = null;

const roomList = new RoomList(document.getElementById('room-list'), document.getElementById('rooms-empty'), api, {
  onJoin: room => join(room),
  onUnauthenticated: () => signedOut(),
});
setLobbyState(() => ({ rooms: roomList.rooms.map(r => ({ ...r })), user: user ? { ...user } : null }));

// ---- Sign in and out ------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const errorLine = document.getElementById('login-error');
  const submit = document.getElementById('login-submit');
  errorLine.hidden = true;
  submit.disabled = true;
  try {
    const answer = await api.login(document.getElementById('login-user').value.trim(),
      document.getElementById('login-password').value);
    document.getElementById('login-password').value = '';
    user = answer.user;
    await showRooms();
  } catch (error) {
    const key = { 429: 'login.locked', 401: 'login.failed' }[error.status] || 'page.error.title';
    errorLine.textContent = t(key);
    errorLine.hidden = false;
  } finally {
    submit.disabled = false;
  }
}

function signedOut() {
  api.forget();
  user = null;
  stopLobby();
  showScreen('login');
  document.getElementById('login-user').focus();
}

async function logout() {
  stopLobby();
  await api.logout();
  signedOut();
}

// ---- Room list ------------------------------------------------------------------------

async function refreshRooms() {
  try {
    roomList.setRooms((await api.rooms()).rooms || []);
  } catch (error) {
    if (error.status === 401) signedOut();
  }
}

async function showRooms() {
  document.getElementById('rooms-user').textContent = t('rooms.signedInAs', { name: user.display_name || user.login });
  await refreshRooms();
  showScreen('rooms');
  startLobby();
}

// Live updates: the lobby socket; if the server refuses it, polling.
function startLobby() {
  if (lobby || pollTimer) return;
  lobby = new Signalling({ firstFrame: () => ({ type: 'watch-rooms', session: api.token }) });
  lobby.on('rooms', m => roomList.setRooms(m.rooms || []));
  lobby.on('error', m => lobbyFailed(m.code));
  lobby.on('ended', detail => lobbyFailed(detail.code));
  lobby.start();
}

function lobbyFailed(code) {
  stopLobby();
  if (code === 'unauthenticated') return signedOut();
  pollTimer = setInterval(refreshRooms, POLL_MS);
}

function stopLobby() {
  if (lobby) {
    lobby.stop();
    lobby = null;
  }
  clearInterval(pollTimer);
  pollTimer = 0;
}

async function createRoom(event) {
  event.preventDefault();
  const input = document.getElementById('room-create-name');
  const name = input.value.trim();
  if (!name) return;
  try {
    await api.createRoom(name);
    input.value = '';
    await refreshRooms();
  } catch (error) {
    if (error.status === 401) return signedOut();
    toast(t('page.error.title'), 'error');
  }
}

// ---- Conference -------------------------------------------------------------------------

async function join(room) {
  if (call) return;
  showScreen('loading');
  const local = await openLocalMedia();
  call = new Call({
    firstFrame: () => ({ type: 'join', as: 'moderator', session: api.token, room: room.id }),
    local,
    section: document.getElementById('screen-conference'),
    onScreen: screen => showScreen(screen),
    onEnded: ended,
  });
  setActiveCall(call);
  call.start();
}

function ended(detail) {
  call = null;
  setActiveCall(null);
  if (detail.code === 'unauthenticated') return signedOut();
  if (detail.reason === 'kicked') toast(t('page.kicked.title'));
  else if (detail.reason === 'removed') toast(t('page.ended.title'));
  else if (detail.reason === 'fatal') toast(t('page.error.title'), 'error');
  refreshRooms();
  showScreen('rooms');
}

// ---- Start ------------------------------------------------------------------------------------

async function main() {
  applyI18n();
  const retry = { action: 'common.tryAgain', onAction: () => location.reload() };
  addMessagePages(document.body, { error: retry }, ['error']);
  document.getElementById('login-form').addEventListener('submit', signIn);
  document.getElementById('logout').addEventListener('click', logout);
  document.getElementById('room-create-form').addEventListener('submit', createRoom);
  if (!api.token) return signedOut();
  try {
    user = await api.me();
    await showRooms();
  } catch (error) {
    if (error.status === 401) signedOut();
    else showScreen('error');
  }
}

main();
