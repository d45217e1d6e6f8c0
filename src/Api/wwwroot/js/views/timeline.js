// The phase timeline from the job's history: every phase with when it started and how long it took.
import { h } from '../dom.js';
import { dateTime, duration, isFinal, PHASES, statusLabel, statusTone } from '../format.js';

export function renderTimeline(list, job) {
  const history = job.history ?? [];
  const reached = new Map(history.map((entry) => [entry.status, entry.at]));
  const final = isFinal(job.status) ? job.status : null;
  const steps = final ? [...PHASES.filter((p) => reached.has(p)), final] : PHASES.concat(['Completed']);
  const items = steps.map((status) => {
    const index = history.findIndex((entry) => entry.status === status);
    const at = index >= 0 ? history[index].at : null;
    const until = index >= 0 ? history[index + 1]?.at ?? (final ? null : new Date().toISOString()) : null;
    const state = at === null ? 'pending' : status === job.status ? (final ? `final-${statusTone(status)}` : 'current') : 'done';
    const took = at && until && !isFinal(status) ? duration((new Date(until) - new Date(at)) / 1000) : null;
    return h('li', { class: `step step-${state}`, 'aria-current': state === 'current' ? 'step' : null },
      h('span', { class: 'step-name' }, final === status ? statusLabel(status) : stepName(status)),
      h('span', { class: 'step-meta' }, at ? `${dateTime(at)}${took ? ` · ${took}` : ''}` : 'not reached'));
  });
  list.replaceChildren(...items);
}

const stepName = (status) => (status === 'Completed' ? 'Finished' : statusLabel(status));
