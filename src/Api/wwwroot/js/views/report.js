// The validation report of a final job: counts per entity as a table and a bar chart, validation
// checks, warnings, and the rejections (their own component, with filters and paging).
import { getReport } from '../api.js';
import { h } from '../dom.js';
import { dateTime, duration, num } from '../format.js';
import { errorPanel, statusBadge } from './badges.js';
import { countsChart, SEGMENTS } from './chart.js';
import { renderRejections } from './rejections.js';

const COLUMNS = [['read', 'Read'], ...SEGMENTS.map((s) => [s.key, s.label]), ['verified', 'Verified']];

export function renderReport(area, job) {
  const controller = new AbortController();
  let stopRejections = null;
  area.replaceChildren(h('p', { class: 'hint' }, 'Loading the report…'));
  getReport(job.validationReportUrl, controller.signal).then((report) => {
    const entities = Object.entries(report.entities);
    const rejections = h('div');
    area.replaceChildren(
      h('section', { class: 'panel report', 'aria-labelledby': 'report-heading' },
        h('h2', { id: 'report-heading' }, 'Validation report'),
        summary(report),
        h('h3', {}, 'Records per entity'),
        countsTable(entities),
        countsChart(entities),
        reasons(entities, (entity, reason) => stopRejections?.filter(entity, reason))),
      h('section', { class: 'panel', 'aria-labelledby': 'validation-heading' },
        h('h2', { id: 'validation-heading' }, 'Validation checks ', validationBadge(report)),
        checks(report.validation),
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

function countsTable(entities) {
  const total = Object.fromEntries(COLUMNS.map(([key]) => [key, entities.reduce((sum, [, e]) => sum + (e[key] ?? 0), 0)]));
  const cells = (e) => COLUMNS.map(([key, label]) => h('td', { class: 'num', 'data-label': label }, num(e[key])));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table cards counts-table' },
    h('caption', { class: 'visually-hidden' }, 'Records per entity: read = out of scope + rejected + superseded + loaded'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Entity'), COLUMNS.map(([, label]) => h('th', { scope: 'col', class: 'num' }, label)))),
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

/** A job cancelled or failed before Validating never read its targets back: that is "not run", not "failed". */
function validationBadge(report) {
  const ran = report.validation.checks.length > 0 || report.validation.mismatches.length > 0 || report.validation.passed;
  if (!ran) return h('span', { class: 'badge badge-muted' }, 'not run');
  return h('span', { class: `badge badge-${report.validation.passed ? 'ok' : 'bad'}` }, report.validation.passed ? 'passed' : 'failed');
}

function checks(validation) {
  const rows = validation.checks.map((c) => h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Entity' }, c.entity),
    h('td', { 'data-label': 'Target' }, h('code', {}, c.target)),
    h('td', { class: 'num', 'data-label': 'Expected' }, num(c.expected)),
    h('td', { class: 'num', 'data-label': 'Found' }, num(c.found)),
    h('td', { 'data-label': 'Checksum' }, h('span', { class: `badge badge-${c.checksumMatch ? 'ok' : 'bad'}` }, c.checksumMatch ? 'match' : 'mismatch'))));
  return h('div', {},
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table cards checks-table' },
      h('thead', {}, h('tr', {}, ['Entity', 'Target', 'Expected', 'Found', 'Checksum'].map((t, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : null }, t)))),
      h('tbody', {}, rows))) : h('p', { class: 'hint' }, 'No target was read back (nothing was loaded, or a dry run).'),
    validation.mismatches.length ? h('div', { class: 'alert alert-bad' }, h('strong', {}, 'Mismatches'), h('ul', {}, validation.mismatches.map((m) => h('li', {}, m)))) : null);
}

