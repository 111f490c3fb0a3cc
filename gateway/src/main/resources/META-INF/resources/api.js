// REST client: JSON envelope, cookie authentication, one refresh attempt on a 401.
//
// Login and registration set the HttpOnly `chat_access_token` cookie, so requests and WebSocket
// handshakes from this origin are authenticated without the page ever seeing the access token.
// Login also returns a refresh token; it is kept in sessionStorage (this tab only). When a request
// comes back 401, POST /api/users/token/refresh/ is called once (it rotates the refresh token and
// sets a new cookie) and the request is repeated once.

const REFRESH_KEY = 'chatsuite.refresh_token';
const NO_REFRESH = new Set(['/api/users/login/', '/api/users/register/', '/api/users/token/refresh/', '/api/users/logout/']);

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || (status ? `Request failed (HTTP ${status})` : 'The server could not be reached'));
    this.status = status;
    this.code = (body && body.code) || (status ? null : 'network_error');
    this.errors = (body && body.errors) || null;
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }
}

let refreshing = null;
let unauthorizedHandler = () => {};

/** Called when a request stays 401 after the refresh attempt (the session is over). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function setRefreshToken(token) {
  try {
    if (token) sessionStorage.setItem(REFRESH_KEY, token);
    else sessionStorage.removeItem(REFRESH_KEY);
  } catch { /* storage disabled: the session simply cannot be refreshed */ }
}

function refreshToken() {
  try { return sessionStorage.getItem(REFRESH_KEY); } catch { return null; }
}

async function send(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { res: null, payload: null };
  }
  let payload = null;
  try {
    const text = await res.text();
    payload = text ? JSON.parse(text) : null;
  } catch { payload = null; }
  return { res, payload };
}

/** Resolves with the envelope ({status, message, data, meta}); rejects with ApiError. */
export async function request(method, path, body) {
  let { res, payload } = await send(method, path, body);
  if (res && res.status === 401 && !NO_REFRESH.has(path.split('?')[0])) {
    if (await refreshSession()) ({ res, payload } = await send(method, path, body));
    if (res && res.status === 401) unauthorizedHandler();
  }
  if (!res) throw new ApiError(0, null);
  if (!res.ok) throw new ApiError(res.status, payload, res.headers.get('Retry-After'));
  return payload || {};
}

/** One refresh at a time; true when a new cookie (and refresh token) was obtained. */
export function refreshSession() {
  if (!refreshing) refreshing = doRefresh().finally(() => { refreshing = null; });
  return refreshing;
}

async function doRefresh() {
  const token = refreshToken();
  if (!token) return false;
  const { res, payload } = await send('POST', '/api/users/token/refresh/', { refresh_token: token });
  const next = payload && payload.data && payload.data.tokens && payload.data.tokens.refresh_token;
  if (res && res.ok && next) {
    setRefreshToken(next);
    return true;
  }
  if (res && (res.status === 400 || res.status === 401)) setRefreshToken(null);
  return false;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body === undefined ? {} : body),
};
