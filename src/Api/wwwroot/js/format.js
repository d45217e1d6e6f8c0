// Formatting and the status vocabulary of spec/api.md.

export const FINAL = ['Completed', 'CompletedWithErrors', 'Failed', 'Cancelled'];
export const PHASES = ['Submitted', 'InProgress:Extracting', 'InProgress:Transforming', 'InProgress:Loading', 'InProgress:Validating'];
export const STATUSES = [...PHASES, ...FINAL];
export const ENTITIES = ['campaigns', 'campaign_performance', 'catalogs', 'products'];

export const isFinal = (status) => FINAL.includes(status);

const LABELS = {
  Submitted: 'Submitted',
  'InProgress:Extracting': 'Extracting',
  'InProgress:Transforming': 'Transforming',
  'InProgress:Loading': 'Loading',
  'InProgress:Validating': 'Validating',
  Completed: 'Completed',
  CompletedWithErrors: 'Completed with errors',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
};

export const statusLabel = (status) => LABELS[status] ?? status;

/** A badge's colour family: submitted, running, ok, warn, bad, muted. */
export function statusTone(status) {
  if (status === 'Completed') return 'ok';
  if (status === 'CompletedWithErrors') return 'warn';
  if (status === 'Failed') return 'bad';
  if (status === 'Cancelled') return 'muted';
  if (status?.startsWith('InProgress')) return 'running';
  return 'submitted';
}

const numbers = new Intl.NumberFormat('en');
export const num = (n) => numbers.format(n ?? 0);

export function percent(p) {
  const value = p ?? 0;
  if (value >= 100 || value === 0) return `${value.toFixed(0)} %`;
  // Truncated, not rounded: 99.96 is not yet 100.
  return `${(Math.floor(value * 10) / 10).toFixed(1)} %`;
}

const dates = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
export const dateTime = (iso) => (iso ? dates.format(new Date(iso)) : '—');

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return dateTime(iso);
}

/** UUIDv7 ids start with the time, so jobs submitted together share a prefix: the random tail tells them apart. */
export const shortId = (id) => `…${String(id).slice(-8)}`;
