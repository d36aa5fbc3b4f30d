// The manager's console API. The bearer token lives in sessionStorage (gone when the tab
// closes) and travels only in the Authorization header, never in a URL; downloads are
// fetched with the header and handed to the browser as a blob.
import { t } from './i18n.js';

const STORE = 'tongban.console.session';

export const CODE = {
  INVALID_FIELD: 1002,
  NOT_FOUND: 1004,
  CONFLICT: 1006,
  UNAUTHENTICATED: 2001,
  SESSION_EXPIRED: 2005,
  FORBIDDEN: 2008,
  ACCOUNT_LOCKED: 2009,
  RATE_LIMITED: 2011,
  INTERNAL: 5000,
  NETWORK: -1
};

export class ApiError extends Error {
  constructor (code, field, message) {
    super(message);
    this.code = code;
    this.field = field;
  }

  // Plain words for a person; never a bare code.
  get text () {
    switch (this.code) {
      case CODE.NETWORK: return t('error.network');
      case CODE.FORBIDDEN: return t('error.forbidden');
      case CODE.CONFLICT: return t('error.conflict');
      case CODE.NOT_FOUND: return t('error.notfound');
      case CODE.INVALID_FIELD: return t('error.invalid', { field: this.field || this.message });
      case CODE.RATE_LIMITED: return t('error.ratelimit');
      case CODE.INTERNAL: return t('error.server');
      default: return t('error.other', { message: this.message });
    }
  }
}

export function session () {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE));
    return s && s.token && s.expires_at * 1000 > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function saveSession (s) {
  sessionStorage.setItem(STORE, JSON.stringify(s));
}

export function clearSession () {
  sessionStorage.removeItem(STORE);
}

function url (path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {}))
    if (v !== undefined && v !== null && v !== '')
      q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function send (method, path, { query, body } = {}) {
  const headers = { Accept: 'application/json' };
  const s = session();
  if (s)
    headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined)
    headers['Content-Type'] = 'application/json';
  try {
    return await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error'
    });
  } catch {
    throw new ApiError(CODE.NETWORK, null, 'network');
  }
}

function fromEnvelope (env) {
  const data = env.data || {};
  const err = new ApiError(env.code, data.field || null, data.reason || env.message || '');
  if ((err.code === CODE.UNAUTHENTICATED || err.code === CODE.SESSION_EXPIRED) && session()) {
    clearSession();
    window.dispatchEvent(new CustomEvent('tongban-session-ended'));
  }
  return err;
}

async function errorOf (resp) {
  try {
    return fromEnvelope(await resp.json());
  } catch {
    return new ApiError(resp.status >= 500 ? CODE.INTERNAL : resp.status, null, `HTTP ${resp.status}`);
  }
}

export async function call (method, path, options = {}) {
  const resp = await send(method, path, options);
  const type = resp.headers.get('Content-Type') || '';
  if (!resp.ok || !type.startsWith('application/json'))
    throw await errorOf(resp);
  const env = await resp.json();
  if (env.code !== 0)
    throw fromEnvelope(env);
  return env.data;
}

export const get = (path, query) => call('GET', path, { query });
export const post = (path, body) => call('POST', path, { body });

// Fetches a file with the session header and saves it under filename.
export async function download (path, query, filename) {
  const resp = await send('GET', path, { query });
  if (!resp.ok)
    throw await errorOf(resp);
  const blob = await resp.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return blob.size;
}
