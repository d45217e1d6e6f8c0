// Small pieces shared by the views.
import { h } from '../dom.js';
import { statusLabel, statusTone } from '../format.js';

export const statusBadge = (status) => h('span', { class: `badge badge-${statusTone(status)}`, dataset: { status } }, statusLabel(status));

/** Sets a badge made by statusBadge to a new status. */
export function updateBadge(badge, status) {
  if (badge.dataset.status === status) return;
  badge.dataset.status = status;
  badge.className = `badge badge-${statusTone(status)}`;
  badge.textContent = statusLabel(status);
}

/** An error panel for a failed request, with the problem's detail; `retrying` says the view keeps polling. */
export const errorPanel = (error, what, { retrying = false } = {}) =>
  h('div', { class: 'alert alert-bad', role: 'alert' }, h('strong', {}, `${what}: `), error?.problem?.detail ?? error?.message ?? 'unknown error',
    retrying ? ' The page keeps trying.' : '');
