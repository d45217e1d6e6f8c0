// The job page (step 7 of the sequence): status, phase timeline, progress with rate and ETA,
// polled every second while the job runs, a cancel button, and the report once it is final.
import { cancelJob, getJob, poll } from '../api.js';
import { h, progressBar, setProgress, setText } from '../dom.js';
import { dateTime, duration, isFinal, num, percent, shortId, statusLabel } from '../format.js';
import { user } from '../session.js';
import { errorPanel, statusBadge, updateBadge } from './badges.js';
import { renderReport } from './report.js';
import { renderTimeline } from './timeline.js';
import { EtaEstimator } from './eta.js';

const COUNTERS = [
  ['recordsRead', 'Read'], ['recordsRejected', 'Rejected'], ['recordsSkipped', 'Out of scope'],
  ['recordsSuperseded', 'Superseded'], ['recordsLoaded', 'Loaded'], ['recordsVerified', 'Verified'],
];

export function renderJob(main, jobId) {
  const badge = statusBadge('Submitted');
  const dry = h('span', { class: 'tag', hidden: true }, 'dry run');
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const problem = h('div');
  const bar = progressBar('Job progress', { large: true });
  const pct = h('span', { class: 'big-number' });
  const rate = h('dd');
  const etaLabel = h('dt', {}, 'Time left');
  const eta = h('dd');
  const batches = h('dd');
  const counters = new Map(COUNTERS.map(([key]) => [key, h('dd', { class: 'num' })]));
  const counterLabels = new Map(COUNTERS.map(([key, label]) => [key, h('dt', {}, label)]));
  const timeline = h('ol', { class: 'timeline' });
  const details = h('dl', { class: 'details' });
  const error = h('div', { class: 'alert alert-bad', role: 'alert', hidden: true });
  const waiting = h('p', { class: 'alert', role: 'status', hidden: true });
  const retrying = h('p', { class: 'alert', role: 'status', hidden: true });
  const reportArea = h('div');
  const actions = h('div', { class: 'job-actions' });
  const estimator = new EtaEstimator();
  let lastStatus = null;
  let reportShown = false;
  let stopReport = null;
  let latest = null;
  let cancelRequested = false;

  badge.hidden = true;
  const content = h('div', { hidden: true });
  const page = h('div', {},
    h('div', { class: 'page-head' },
      h('h1', { tabindex: -1, dataset: { title: `Job ${shortId(jobId)}` } }, `Job ${shortId(jobId)}`, ' ', badge, ' ', dry),
      actions),
    announcer, problem, content);
  content.append(error, waiting, retrying,
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel', 'aria-labelledby': 'progress-heading' },
        h('h2', { id: 'progress-heading' }, 'Progress'),
        h('div', { class: 'progress-head' }, pct, bar),
        h('dl', { class: 'stats' },
          h('div', {}, h('dt', {}, 'Records/s'), rate),
          h('div', {}, etaLabel, eta),
          h('div', {}, h('dt', {}, 'Batches'), batches)),
        h('dl', { class: 'counters' }, COUNTERS.map(([key]) => h('div', {}, counterLabels.get(key), counters.get(key))))),
      h('section', { class: 'panel', 'aria-labelledby': 'timeline-heading' },
        h('h2', { id: 'timeline-heading' }, 'Timeline'), timeline)),
    h('section', { class: 'panel', 'aria-labelledby': 'details-heading' }, h('h2', { id: 'details-heading' }, 'Job'), details),
    reportArea);

  let confirming = false;
  const drawActions = (job) => {
    // An open confirmation stays until it is answered (a phase change must not pull it from under the pointer).
    if (confirming && !isFinal(job.status)) return;
    confirming = false;
    actions.replaceChildren();
    if (!user()?.isAdmin || isFinal(job.status)) return;
    if (cancelRequested) {
      const note = h('p', { class: 'hint', role: 'status', tabindex: -1 }, 'Cancel requested: the job stops at its next batch boundary.');
      actions.append(note);
      return note;
    }
    const ask = h('button', { type: 'button', class: 'button button-danger' }, 'Cancel job');
    ask.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'button button-danger' }, 'Yes, cancel the job');
      const keep = h('button', { type: 'button', class: 'button button-quiet' }, 'Keep it running');
      const box = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm cancel' },
        h('span', {}, 'Stop this job at its next batch boundary? Anything it has loaded stays in the targets, unverified.'), confirm, keep);
      const dismiss = () => { confirming = false; drawActions(latest); actions.querySelector('button')?.focus(); };
      keep.addEventListener('click', dismiss);
      box.addEventListener('keydown', (event) => { if (event.key === 'Escape') dismiss(); });
      confirming = true;
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          await cancelJob(jobId);
          cancelRequested = true;
          confirming = false;
          drawActions(latest)?.focus();
        } catch (e) {
          confirming = false;
          actions.replaceChildren(errorPanel(e, 'Could not cancel'));
        }
      });
      actions.replaceChildren(box);
      confirm.focus();
    });
    actions.append(ask);
  };

  const draw = (job) => {
    latest = job;
    const p = job.progress;
    updateBadge(badge, job.status);
    dry.hidden = !job.dryRun;
    // A dry run writes nothing: its figures are what would be loaded and verified.
    setText(counterLabels.get('recordsLoaded'), job.dryRun ? 'Would load' : 'Loaded');
    setText(counterLabels.get('recordsVerified'), job.dryRun ? 'Would verify' : 'Verified');
    setProgress(bar, p.percent, isFinal(job.status) ? job.status : 'running');
    setText(pct, percent(p.percent));
    for (const [key] of COUNTERS) setText(counters.get(key), num(p[key]));
    // A dry run resolves its batches but sends none.
    setText(batches, !p.batchesTotal ? '—'
      : job.dryRun ? `${num(p.batchesTotal)}, not sent (dry run)` : `${num(p.batchesCompleted)} of ${num(p.batchesTotal)}`);
    setText(rate, p.recordsPerSecond > 0 ? num(Math.round(p.recordsPerSecond)) : '—');
    if (job.status !== lastStatus) estimator.reset();
    estimator.add(p.percent);
    setText(etaLabel, isFinal(job.status) ? 'Took (since submitted)' : 'Time left');
    setText(eta, isFinal(job.status) ? duration(elapsed(job)) : estimator.text());
    renderTimeline(timeline, job);
    // Transformed and held back: an earlier job with the same merchants and data types must finish loading first.
    waiting.hidden = !job.waitingFor;
    if (job.waitingFor && waiting.dataset.jobId !== job.waitingFor) {
      waiting.dataset.jobId = job.waitingFor;
      waiting.replaceChildren('Waiting for ', h('a', { href: `#/jobs/${job.waitingFor}` }, `job ${shortId(job.waitingFor)}`),
        ' to finish: its data overlaps this job\'s (the same merchants and data types), and the later job\'s data must win, so this job loads after it.');
    }
    if (job.waitingFor) setText(eta, 'after the earlier job');
    // A store fault: the job goes back to its last checkpoint and tries again, and says so rather than look stalled.
    retrying.hidden = !job.retrying;
    if (job.retrying) {
      const r = job.retrying;
      setText(retrying, `Retrying after a store fault (attempt ${r.attempt} of ${r.of}, since ${dateTime(r.since)}): ${r.cause}. `
        + 'The job goes on from its last checkpoint once the store answers; it fails if the fault outlasts its retries.');
    }
    error.hidden = !job.error;
    if (job.error) error.replaceChildren(h('strong', {}, 'Error: '), job.error);
    if (job.status !== lastStatus) {
      if (lastStatus !== null) setText(announcer, `Status: ${statusLabel(job.status)}`);
      lastStatus = job.status;
      // "Job submitted, this page follows it" has done its work once the job is final (above a failure it misleads).
      if (isFinal(job.status)) document.querySelector('.flash-area .flash-ok')?.remove();
      drawActions(job);
      drawDetails(details, job);
    }
    if (job.validationReportUrl && !reportShown) {
      reportShown = true;
      stopReport = renderReport(reportArea, job);
    }
  };

  const load = async (signal) => {
    try {
      const job = await getJob(jobId, signal);
      problem.replaceChildren();
      content.hidden = false;
      badge.hidden = false;
      draw(job);
      return isFinal(job.status) && job.validationReportUrl ? 0 : 1000;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      problem.replaceChildren(errorPanel(e, e.status === 404 ? 'No such job' : 'Could not load the job', { retrying: e.status !== 404 }));
      // An estimate from before the outage would stand still on screen: start measuring again.
      estimator.reset();
      if (!isFinal(latest?.status)) setText(eta, estimator.text());
      return e.status === 404 ? 0 : 3000;
    }
  };

  main.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Jobs'), ' › ', h('span', { 'aria-current': 'page' }, `Job ${shortId(jobId)}`)),
    page);
  const stop = poll(load, 1000);
  return () => { stop(); stopReport?.(); };
}

function elapsed(job) {
  const start = job.history?.[0]?.at ?? job.submittedAt;
  return (new Date(job.completedAt ?? job.updatedAt) - new Date(start)) / 1000;
}

/** The scope's merchants: all of them, the first 20 in view and the rest one click away. */
function merchants(ids) {
  if (!ids.length) return 'all';
  const list = (part) => part.map((id, i) => [i ? ', ' : '', h('code', {}, id)]).flat();
  if (ids.length <= 20) return list(ids);
  return [...list(ids.slice(0, 20)), ' ', h('details', { class: 'more' }, h('summary', {}, `and ${num(ids.length - 20)} more`), ...list(ids.slice(20)))];
}

function drawDetails(dl, job) {
  const s = job.source;
  const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  dl.replaceChildren(
    ...row('Job id', h('code', {}, job.jobId)),
    ...row('Source', s.kind === 'file'
      ? ['Export files in ', h('code', {}, s.location)]
      : ['PostgreSQL, schema ', h('code', {}, s.schema ?? 'legacy'), ', credentials ', h('code', {}, s.credentialsRef)]),
    ...row('Merchants', merchants(job.scope.merchantIds)),
    ...row('Data types', job.scope.dataTypes.join(', ')),
    ...row('Options', `batch size ${num(job.options?.batchSize)}, reject ratio up to ${job.options?.maxRejectedRatio}${job.dryRun ? ', dry run' : ''}`),
    ...row('Submitted', dateTime(job.submittedAt), job.submittedBy ? ` by ${job.submittedBy}` : ''),
    ...row('Finished', job.completedAt ? dateTime(job.completedAt) : 'not yet'));
}
