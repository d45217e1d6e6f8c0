// The validation report of a final job: counts per entity as a table and a bar chart, validation
// checks, warnings, and the rejections (their own component, with filters and paging).
import { getReport } from '../api.js';
import { h } from '../dom.js';
import { dateTime, duration, num } from '../format.js';
import { errorPanel, statusBadge } from './badges.js';
import { countsChart, NOT_LOADED, SEGMENTS } from './chart.js';
import { renderRejections } from './rejections.js';

/** What a job stopped while loading never wrote: loadable records that are in none of the report's outcome columns. */
const notLoaded = (e) => Math.max(0, e.read - e.skippedOutOfScope - e.rejected - e.superseded - e.loaded);

/**
 * The outcome columns as this report means them: "Would load" when nothing was written (a dry run, a job stopped by
 * the reject threshold), and a "Not loaded" column when the job stopped while loading.
 */
function segmentsFor(report, entities) {
  const wouldLoad = report.nothingWritten && entities.some(([, e]) => e.loaded > 0);
  const segments = SEGMENTS.map((s) => (s.key === 'loaded' && wouldLoad ? { ...s, label: 'Would load' } : s));
  return entities.some(([, e]) => e.notLoaded > 0) ? [...segments, NOT_LOADED] : segments;
}

export function renderReport(area, job) {
  const controller = new AbortController();
  let stopRejections = null;
  area.replaceChildren(h('p', { class: 'hint' }, 'Loading the report…'));
  getReport(job.validationReportUrl, controller.signal).then((report) => {
    const entities = Object.entries(report.entities).map(([name, e]) => [name, { ...e, notLoaded: notLoaded(e) }]);
    const segments = segmentsFor(report, entities);
    const rejections = h('div');
    area.replaceChildren(
      h('section', { class: 'panel report', 'aria-labelledby': 'report-heading' },
        h('h2', { id: 'report-heading' }, 'Validation report'),
        summary(report),
        h('h3', {}, 'Records per entity'),
        countsTable(entities, segments, report),
        countsChart(entities, segments),
        reasons(entities, (entity, reason) => stopRejections?.filter(entity, reason))),
      h('section', { class: 'panel', 'aria-labelledby': 'validation-heading' },
        h('h2', { id: 'validation-heading' }, 'Validation checks ', validationBadge(report)),
        checks(report),
        h('h3', {}, 'Warnings'),
        report.warnings.length ? h('ul', { class: 'warnings' }, report.warnings.map((w) => h('li', {}, w))) : h('p', { class: 'hint' }, 'No warnings.')),
      rejections);
    stopRejections = renderRejections(rejections, report);
  }).catch((e) => {
    if (e.name !== 'AbortError') area.replaceChildren(errorPanel(e, 'Could not load the report'));
  });
  return () => { controller.abort(); stopRejections?.dispose(); };
}

function summary(report) {
  const item = (term, ...value) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  return h('dl', { class: 'stats report-summary' },
    item('Outcome', statusBadge(report.status)),
    item('Duration', duration(report.durationSeconds)),
    item('Finished', dateTime(report.completedAt)),
    item('Submitted by', report.submittedBy ?? '—'),
    report.cancelledBy ? item('Cancelled by', report.cancelledBy) : null,
    report.dryRun ? item('Dry run', 'nothing written; loaded and verified count what would be') : null,
    report.error ? item('Error', report.error) : null);
}

function countsTable(entities, segments, report) {
  const columns = [['read', 'Read'], ...segments.map((s) => [s.key, s.label]), ['verified', report.dryRun ? 'Would verify' : 'Verified']];
  const total = Object.fromEntries(columns.map(([key]) => [key, entities.reduce((sum, [, e]) => sum + (e[key] ?? 0), 0)]));
  const cells = (e) => columns.map(([key, label]) => h('td', { class: 'num', 'data-label': label }, num(e[key])));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table cards counts-table' },
    h('caption', { class: 'visually-hidden' }, `Records per entity: read = ${segments.map((s) => s.label.toLowerCase()).join(' + ')}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Entity'), columns.map(([, label]) => h('th', { scope: 'col', class: 'num' }, label)))),
    h('tbody', {}, entities.map(([name, e]) => h('tr', {}, h('th', { scope: 'row', 'data-label': 'Entity' }, name), cells(e)))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', 'data-label': 'Entity' }, 'All'), cells(total)))));
}

function reasons(entities, onPick) {
  const withReasons = entities.filter(([, e]) => Object.keys(e.rejectedByReason ?? {}).length);
  if (!withReasons.length) return h('p', { class: 'hint' }, 'No record was rejected.');
  return h('div', { class: 'reasons' }, h('h3', {}, 'Rejections by reason'),
    h('ul', { class: 'reason-list' }, withReasons.flatMap(([entity, e]) => Object.entries(e.rejectedByReason).map(([reason, count]) =>
      h('li', {}, h('button', { type: 'button', class: 'chip', onclick: () => onPick(entity, reason), title: `Show these rejections` },
        h('span', { class: 'chip-entity' }, entity), ' ', h('code', {}, reason), ' ', h('strong', {}, num(count))))))));
}

/** A job that wrote nothing, or was cancelled or failed before Validating, read no target back: "not run", not "failed" or "passed". */
function validationBadge(report) {
  const ran = report.validation.checks.length > 0 || report.validation.mismatches.length > 0;
  if (!ran) return h('span', { class: 'badge badge-muted' }, 'not run');
  return h('span', { class: `badge badge-${report.validation.passed ? 'ok' : 'bad'}` }, report.validation.passed ? 'passed' : 'failed');
}

/** Why no target was read back. */
function notReadBack(report) {
  if (report.dryRun) return 'No target was read back: a dry run writes nothing.';
  if (report.nothingWritten) return 'No target was read back: the job wrote nothing.';
  return `No target was read back: the job ${report.status === 'Cancelled' ? 'was cancelled' : 'stopped'} before validating. What it loaded stays in the targets, not verified.`;
}

function checks(report) {
  const validation = report.validation;
  const rows = validation.checks.map((c) => h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Entity' }, c.entity),
    h('td', { 'data-label': 'Target' }, h('code', {}, c.target)),
    h('td', { class: 'num', 'data-label': 'Expected' }, num(c.expected)),
    h('td', { class: 'num', 'data-label': 'Found' }, num(c.found)),
    h('td', { 'data-label': 'Checksum' }, h('span', { class: `badge badge-${c.checksumMatch ? 'ok' : 'bad'}` }, c.checksumMatch ? 'match' : 'mismatch'))));
  return h('div', {},
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table cards checks-table' },
      h('thead', {}, h('tr', {}, ['Entity', 'Target', 'Expected', 'Found', 'Checksum'].map((t, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : null }, t)))),
      h('tbody', {}, rows))) : h('p', { class: 'hint' }, notReadBack(report)),
    validation.mismatches.length ? h('div', { class: 'alert alert-bad' }, h('strong', {}, 'Mismatches'), h('ul', {}, validation.mismatches.map((m) => h('li', {}, m)))) : null);
}

