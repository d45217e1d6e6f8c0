// The job list: newest first, a status filter, cursor paging, live progress for running jobs.
import { listJobs, poll } from '../api.js';
import { h, progressBar, setProgress, setText } from '../dom.js';
import { ago, isFinal, num, percent, shortId, STATUSES, statusLabel } from '../format.js';
import { user } from '../session.js';
import { errorPanel, statusBadge, updateBadge } from './badges.js';

const PAGE_SIZE = 20;

/** The list's address: the filter and the page (so Back from a job returns to the page it was opened from). */
const listHash = (status, page) => {
  const query = new URLSearchParams();
  if (status) query.set('status', status);
  if (page > 1) query.set('page', String(page));
  return query.size ? `#/?${query}` : '#/';
};

/** The cursors that open each page of a filter's list, kept for the tab: a page number in the URL needs them. */
const pagesKey = (status) => `job-pages:${status}`;

/** The pager button to focus once the page a pager button asked for is drawn (the view is rebuilt in between). */
let pagerFocus = null;

export function renderJobList(main, { status, page = 1 }) {
  const saved = JSON.parse(sessionStorage.getItem(pagesKey(status)) ?? '[null]');
  // cursors[i] opens page i + 1; without the cursors for the page asked for (a new tab), the list starts at page 1.
  const cursors = page > 1 && Array.isArray(saved) && saved.length >= page ? saved.slice(0, page) : [null];
  const rows = new Map();                      // jobId -> row parts, so live updates keep focus and selection
  const filter = h('select', { id: 'status-filter', name: 'status', dataset: { keepFocus: 'true' } },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, statusLabel(s))),
    // A status in the address that is none of them (a hand-edited link) shows as what it is, beside the API's error.
    status && !STATUSES.includes(status) ? h('option', { value: status, selected: true }, `${status} (unknown)`) : null);
  // The filter is in the URL (Back, reload, links keep it); changing it keeps the focus on it (data-keep-focus),
  // so the arrow keys step through the statuses as in any select.
  filter.addEventListener('change', () => { location.hash = listHash(filter.value, 1); });

  const body = h('tbody');
  const table = h('table', { class: 'table cards jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Migration jobs, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Job'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Progress'),
      h('th', { scope: 'col', class: 'num' }, 'Read'), h('th', { scope: 'col', class: 'num' }, 'Loaded'),
      h('th', { scope: 'col', class: 'num' }, 'Rejected'), h('th', { scope: 'col' }, 'Submitted'))),
    body);
  const empty = h('p', { class: 'empty', hidden: true });
  const problem = h('div');
  const newer = h('button', { type: 'button', class: 'button button-quiet', disabled: true, id: 'jobs-newer' }, '← Newer');
  const older = h('button', { type: 'button', class: 'button button-quiet', disabled: true, id: 'jobs-older' }, 'Older →');
  const pageInfo = h('span', { class: 'hint', 'aria-live': 'polite' });
  let next = null;
  let stop = null;

  const load = async (signal) => {
    try {
      const page = await listJobs({ status, cursor: cursors.at(-1), limit: PAGE_SIZE }, signal);
      problem.replaceChildren();
      next = page.nextCursor;
      draw(page.items);
      // Poll fast while something on this page moves; slowly otherwise, to notice new jobs.
      return page.items.some((j) => !isFinal(j.status)) ? 1000 : 5000;
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      problem.replaceChildren(errorPanel(error, 'Could not load the jobs', { retrying: error.status !== 400 }));
      return 3000;
    }
  };

  const draw = (jobs) => {
    const ids = new Set(jobs.map((j) => j.jobId));
    for (const [id, row] of rows) if (!ids.has(id)) { row.tr.remove(); rows.delete(id); }
    jobs.forEach((job, index) => {
      const row = rows.get(job.jobId) ?? createRow(job);
      rows.set(job.jobId, row);
      updateRow(row, job);
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] ?? null);
    });
    table.hidden = jobs.length === 0;
    empty.hidden = jobs.length > 0;
    empty.replaceChildren(status
      ? `No jobs with status ${statusLabel(status)}${cursors.length > 1 ? ' on this page' : ''}.`
      : 'No jobs yet.', ' ', user()?.isAdmin ? h('a', { href: '#/new' }, 'Submit a migration job.') : '');
    newer.disabled = cursors.length === 1;
    older.disabled = !next;
    setText(pageInfo, jobs.length ? `Page ${cursors.length}` : '');
    if (pagerFocus) {
      // The button pressed, or on the last (first) page, where it is disabled, the other one.
      const wanted = pagerFocus === older.id ? [older, newer] : [newer, older];
      pagerFocus = null;
      wanted.find((button) => !button.disabled)?.focus();
    }
  };

  const go = (pages, button) => {
    sessionStorage.setItem(pagesKey(status), JSON.stringify(pages));
    pagerFocus = button.id;
    location.hash = listHash(status, pages.length);
  };
  older.addEventListener('click', () => go([...cursors, next], older));
  newer.addEventListener('click', () => go(cursors.slice(0, -1), newer));

  main.append(
    h('div', { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Migration jobs'),
      user()?.isAdmin ? h('a', { class: 'button', href: '#/new' }, 'New job') : null),
    h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Status'), filter),
    problem, table, empty,
    h('nav', { class: 'pager', 'aria-label': 'Job list pages' }, newer, pageInfo, older));
  stop = poll(load, 1000);
  return () => stop?.();
}

function createRow(job) {
  const link = h('a', { href: `#/jobs/${job.jobId}`, title: job.jobId, class: 'mono' }, shortId(job.jobId));
  const badge = statusBadge(job.status);
  const bar = progressBar(`Progress of job ${shortId(job.jobId)}`);
  const pct = h('span', { class: 'bar-label' });
  const cells = { read: h('td', { class: 'num', 'data-label': 'Read' }), loaded: h('td', { class: 'num', 'data-label': 'Loaded' }), rejected: h('td', { class: 'num', 'data-label': 'Rejected' }) };
  const when = h('span');
  const by = h('span', { class: 'hint' });
  const kind = h('span', { class: 'hint' });
  // One wrapper per cell: on narrow screens a cell is a label/value grid of exactly two items.
  const tr = h('tr', { dataset: { jobId: job.jobId } },
    h('th', { scope: 'row', 'data-label': 'Job' }, h('div', {}, link, h('br'), kind)),
    h('td', { 'data-label': 'Status' }, h('div', {}, badge)),
    h('td', { 'data-label': 'Progress', class: 'progress-cell' }, h('div', {}, pct, bar)),
    cells.read, cells.loaded, cells.rejected,
    h('td', { 'data-label': 'Submitted' }, h('div', {}, when, h('br'), by)));
  return { tr, badge, bar, pct, cells, when, by, kind };
}

function updateRow(row, job) {
  const p = job.progress;
  updateBadge(row.badge, job.status);
  setProgress(row.bar, p.percent, isFinal(job.status) ? job.status : 'running');
  setText(row.pct, percent(p.percent));
  setText(row.cells.read, num(p.recordsRead));
  setText(row.cells.loaded, job.dryRun ? `${num(p.recordsLoaded)} (would)` : num(p.recordsLoaded));
  setText(row.cells.rejected, num(p.recordsRejected));
  setText(row.when, ago(job.submittedAt));
  row.when.title = new Date(job.submittedAt).toISOString();
  setText(row.by, job.submittedBy ? `by ${job.submittedBy}` : '');
  setText(row.kind, `${job.dryRun ? 'dry run · ' : ''}${job.scope.dataTypes.map((t) => t.replace('Data', '')).join(' + ')}`);
}
