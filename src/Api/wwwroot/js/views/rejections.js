// The rejected records of a job, filterable by entity and reason, a page at a time.
import { listRejections } from '../api.js';
import { h, setText } from '../dom.js';
import { num } from '../format.js';
import { errorPanel } from './badges.js';

const PAGE_SIZE = 25;

export function renderRejections(area, report) {
  const entities = Object.entries(report.entities);
  const total = entities.reduce((sum, [, e]) => sum + e.rejected, 0);
  /** How many rejections the filters match, from the report's own counts. */
  const matching = () => entities
    .filter(([name]) => !entity.value || name === entity.value)
    .reduce((sum, [, e]) => sum + (reason.value ? e.rejectedByReason?.[reason.value] ?? 0 : e.rejected), 0);
  let controller = null;
  const cursors = [null];
  let next = null;

  const entity = h('select', { id: 'rejection-entity', name: 'entity' },
    h('option', { value: '' }, 'All entities'),
    entities.map(([name, e]) => h('option', { value: name }, `${name} (${num(e.rejected)})`)));
  const reason = h('select', { id: 'rejection-reason', name: 'reason' });
  const body = h('tbody');
  const table = h('table', { class: 'table cards rejections-table' },
    h('caption', { class: 'visually-hidden' }, 'Rejected records'),
    h('thead', {}, h('tr', {}, ['Entity', 'Line', 'Key', 'Reason', 'Detail'].map((t) => h('th', { scope: 'col', class: t === 'Line' ? 'num' : null }, t)))),
    body);
  const status = h('p', { class: 'hint', 'aria-live': 'polite', id: 'rejections-status' });
  const problem = h('div');
  const previous = h('button', { type: 'button', class: 'button button-quiet', disabled: true }, '← Previous');
  const following = h('button', { type: 'button', class: 'button button-quiet', disabled: true }, 'Next →');

  const fillReasons = () => {
    const chosen = reason.value;
    const counts = new Map();
    for (const [name, e] of entities) {
      if (entity.value && entity.value !== name) continue;
      for (const [r, n] of Object.entries(e.rejectedByReason ?? {})) counts.set(r, (counts.get(r) ?? 0) + n);
    }
    reason.replaceChildren(h('option', { value: '' }, 'All reasons'),
      ...[...counts].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => h('option', { value: r, selected: r === chosen }, `${r} (${num(n)})`)));
    if (chosen && !counts.has(chosen)) reason.value = '';
  };

  const load = async () => {
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await listRejections(report.rejectionsUrl, { entity: entity.value, reason: reason.value, cursor: cursors.at(-1), limit: PAGE_SIZE }, controller.signal);
      problem.replaceChildren();
      next = page.nextCursor;
      body.replaceChildren(...page.items.map((r) => h('tr', {},
        h('td', { 'data-label': 'Entity' }, r.entity),
        h('td', { class: 'num', 'data-label': 'Line' }, num(r.line)),
        h('td', { 'data-label': 'Key' }, r.key ? h('code', {}, r.key) : '—'),
        h('td', { 'data-label': 'Reason' }, h('code', {}, r.reason)),
        h('td', { 'data-label': 'Detail' }, r.detail))));
      table.hidden = page.items.length === 0;
      const first = (cursors.length - 1) * PAGE_SIZE;
      setText(status, page.items.length
        ? `Showing ${num(first + 1)}–${num(first + page.items.length)} of ${num(matching())}${entity.value || reason.value ? ' matching' : ''}.`
        : 'No rejections match these filters.');
      previous.disabled = cursors.length === 1;
      following.disabled = !next;
    } catch (e) {
      if (e.name !== 'AbortError') problem.replaceChildren(errorPanel(e, 'Could not load the rejections'));
    }
  };

  const restart = () => { cursors.length = 1; load(); };
  entity.addEventListener('change', () => { fillReasons(); restart(); });
  reason.addEventListener('change', restart);
  following.addEventListener('click', () => { cursors.push(next); load(); });
  previous.addEventListener('click', () => { cursors.pop(); load(); });

  area.replaceChildren(h('section', { class: 'panel', 'aria-labelledby': 'rejections-heading' },
    h('h2', { id: 'rejections-heading' }, `Rejections (${num(total)})`),
    total === 0 ? h('p', { class: 'hint' }, 'No record was rejected.') : [
      h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Filter rejections' },
        h('label', { for: 'rejection-entity' }, 'Entity'), entity,
        h('label', { for: 'rejection-reason' }, 'Reason'), reason),
      problem, status, h('div', { class: 'table-wrap' }, table),
      h('nav', { class: 'pager', 'aria-label': 'Rejection pages' }, previous, following)]));
  fillReasons();
  if (total > 0) load();

  return {
    /** Shows one entity's rejections of one reason (from the report's reason chips). */
    filter(name, why) {
      entity.value = name;
      fillReasons();
      reason.value = why;
      restart();
      area.scrollIntoView({ behavior: 'smooth', block: 'start' });
      reason.focus();
    },
    dispose() { controller?.abort(); },
  };
}
