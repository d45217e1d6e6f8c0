// The admin API of spec/api.md, with the session's bearer token. Errors arrive as problem details.
import { signOut, token } from './session.js';

export const JOBS = '/admin/data-migration/jobs';

/** A non-2xx answer: status, the problem details, and its field errors (key like "options.batchSize"). */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.errors = problem?.errors ?? {};
    this.retryAfter = headers?.get('retry-after') ?? null;
  }
}

/** Calls the API; resolves with { status, json, headers }, rejects with ApiError (or an AbortError). */
export async function call(path, { method = 'GET', body, headers = {}, signal, bearer = token() } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      cache: 'no-store',
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: 'Network error', detail: 'The service did not answer. Check the connection.' });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { detail: text.slice(0, 300) };
  }
  if (response.status === 401 && bearer === token()) {
    signOut(`Signed out: ${json?.detail ?? 'the token was refused.'}`);
  }
  if (!response.ok) throw new ApiError(response.status, json, response.headers);
  return { status: response.status, json, headers: response.headers };
}

export const listJobs = ({ status, cursor, limit = 20 }, signal) => {
  const query = new URLSearchParams({ limit: String(limit) });
  if (status) query.set('status', status);
  if (cursor) query.set('cursor', cursor);
  return call(`${JOBS}?${query}`, { signal }).then((r) => r.json);
};

export const getJob = (id, signal) => call(`${JOBS}/${encodeURIComponent(id)}`, { signal }).then((r) => r.json);

export const getReport = (url, signal) => call(url, { signal }).then((r) => r.json);

export const cancelJob = (id) => call(`${JOBS}/${encodeURIComponent(id)}/cancel`, { method: 'POST' });

export const submitJob = (body, idempotencyKey) =>
  call(JOBS, { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }).then((r) => r.json);

export const listRejections = (url, { entity, reason, cursor, limit = 25 }, signal) => {
  const query = new URLSearchParams({ limit: String(limit) });
  if (entity) query.set('entity', entity);
  if (reason) query.set('reason', reason);
  if (cursor) query.set('cursor', cursor);
  return call(`${url}?${query}`, { signal }).then((r) => r.json);
};

/** Runs task now and then every intervalMs after each run finishes, until the returned stop() is called. */
export function poll(task, intervalMs) {
  let stopped = false;
  let timer = null;
  const controller = new AbortController();
  const run = async () => {
    if (stopped) return;
    let next = intervalMs;
    try {
      const wanted = await task(controller.signal);
      if (typeof wanted === 'number') next = wanted;
    } catch (error) {
      if (error.name === 'AbortError') return;
      next = Math.max(intervalMs, 3000);
    }
    if (!stopped && next > 0) timer = setTimeout(run, next);
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
}
