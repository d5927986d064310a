// api.js: the REST API of docs/api.md, as the web client uses it.
//
// The moderator's session token lives in sessionStorage (one tab, gone
// when the tab closes). Failures throw ApiError with the HTTP status and
// the server's error code ("unauthenticated", "bad_url", ...).
//
//   const api = new Api();
//   await api.login('anna', 'secret');
//   const { rooms } = await api.rooms();
//   const access = await api.setPublic(rooms[0].id, true);
//   const { room } = await guestRoom(urlToken);     // no login needed

const TOKEN_KEY = 'konfero.session';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
  }
}

async function request(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', String(e));
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = (payload && payload.error) || {};
    throw new ApiError(response.status, error.code, error.message);
  }
  return payload || {};
}

export class Api {
  constructor(storage = window.sessionStorage) {
    this.storage = storage;
  }

  get token() {
    return this.storage.getItem(TOKEN_KEY);
  }

  async login(login, password) {
    const answer = await request('POST', '/api/login', { body: { login, password } });
    this.storage.setItem(TOKEN_KEY, answer.token);
    return answer;
  }

  async logout() {
    const token = this.token;
    this.storage.removeItem(TOKEN_KEY);
    if (token) await request('POST', '/api/logout', { token }).catch(() => {});
  }

  forget() {
    this.storage.removeItem(TOKEN_KEY);
  }

  me() { return this.#call('GET', '/api/me'); }
  rooms() { return this.#call('GET', '/api/rooms'); }
  createRoom(name) { return this.#call('POST', '/api/rooms', { name }); }
  access(room) { return this.#call('GET', `/api/rooms/${room}/access`); }
  setPublic(room, isPublic) { return this.#call('POST', `/api/rooms/${room}/public`, { public: isPublic }); }
  regenerate(room) { return this.#call('POST', `/api/rooms/${room}/regenerate`, {}); }

  #call(method, path, body) {
    return request(method, path, { body, token: this.token });
  }
}

// GET /api/guest/{url_token}: {room, state, moderator_present,
// dial_in_number, pin} for the URL of a public room (the number and PIN
// are "" or absent without a dial-in number); throws ApiError 404 "bad_url" for an unknown link, 410
// "not_public" for the link of a room made private, 429 "rate_limited".
export function guestRoom(urlToken) {
  return request('GET', `/api/guest/${encodeURIComponent(urlToken)}`);
}
