// The signed-in administrator: a bearer token pasted by the user, kept in sessionStorage only
// (this tab, until it closes or the user signs out). The page decodes the token to show who is
// signed in and to hide actions the role cannot take; the API decides everything for real.

const STORAGE_KEY = 'admanager.portal.token';
export const ADMIN = 'platform-admin';
export const VIEWER = 'platform-viewer';

let expiryTimer = null;
const listeners = new Set();

/** Called with a reason when the session ends (sign-out, expiry, a 401 from the API). */
export function onSignedOut(listener) {
  listeners.add(listener);
}

export function token() {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** The token's payload, or null when it is not a readable JWT. */
export function decode(raw) {
  const parts = String(raw).trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const payload = JSON.parse(json);
    return payload && typeof payload === 'object' ? payload : null;
  } catch {
    return null;
  }
}

function rolesOf(payload) {
  const roles = payload?.roles ?? payload?.role ?? [];
  return Array.isArray(roles) ? roles : [roles];
}

/** Who is signed in: { subject, roles, isAdmin, expiresAt } or null. */
export function user() {
  const payload = token() && decode(token());
  if (!payload) return null;
  const roles = rolesOf(payload);
  return {
    subject: payload.sub ?? 'unknown',
    roles,
    isAdmin: roles.includes(ADMIN),
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
  };
}

/** Checks what can be checked without the server; null when fine, else a message for the user. */
export function problemWith(raw) {
  const text = String(raw ?? '').trim().replace(/^Bearer\s+/i, '');
  if (!text) return 'Paste a bearer token.';
  const payload = decode(text);
  if (!payload) return 'This is not a JWT: a token has three dot-separated parts.';
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now()) return 'This token has expired. Get a new one.';
  return null;
}

export function store(raw) {
  sessionStorage.setItem(STORAGE_KEY, String(raw).trim().replace(/^Bearer\s+/i, ''));
  scheduleExpiry();
}

export function signOut(reason) {
  sessionStorage.removeItem(STORAGE_KEY);
  clearTimeout(expiryTimer);
  for (const listener of listeners) listener(reason);
}

/** Ends the session when the token expires, rather than at the next failing request. */
export function scheduleExpiry() {
  clearTimeout(expiryTimer);
  const expiresAt = user()?.expiresAt;
  if (!expiresAt) return;
  const wait = expiresAt.getTime() - Date.now();
  if (wait <= 0) signOut('Your token has expired. Sign in with a new one.');
  else if (wait < 2 ** 31) expiryTimer = setTimeout(() => signOut('Your token has expired. Sign in with a new one.'), wait);
}
