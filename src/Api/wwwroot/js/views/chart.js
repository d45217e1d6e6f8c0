// Records per entity as a bar chart drawn with CSS: one bar per entity, its length the records
// read, split into what became of them. HTML bars keep their text readable at any width (an SVG
// viewBox would shrink it on a phone). The counts table beside it has the same numbers, so the
// chart is one image to assistive technology, described in words.
import { h } from '../dom.js';
import { num } from '../format.js';

export const SEGMENTS = [
  { key: 'skippedOutOfScope', label: 'Out of scope', tone: 'skipped' },
  { key: 'rejected', label: 'Rejected', tone: 'rejected' },
  { key: 'superseded', label: 'Superseded', tone: 'superseded' },
  { key: 'loaded', label: 'Loaded', tone: 'loaded' },
];

/** Records a job stopped (cancelled or failed while loading) before loading them: read, loadable, not written. */
export const NOT_LOADED = { key: 'notLoaded', label: 'Not loaded (stopped)', tone: 'notloaded' };

const DRAW_ORDER = ['loaded', 'notLoaded', 'superseded', 'rejected', 'skippedOutOfScope'];

export function countsChart(entities, segments = SEGMENTS) {
  const max = Math.max(1, ...entities.map(([, e]) => e.read));
  const description = entities
    .map(([name, e]) => `${name}: ${num(e.read)} read, ` + segments.slice().reverse().map((s) => `${num(e[s.key] ?? 0)} ${s.label.toLowerCase()}`).join(', '))
    .join('; ');

  const rows = entities.map(([name, e]) => {
    const track = h('div', { class: 'chart-track' });
    const bar = h('div', { class: 'chart-bar' });
    bar.style.width = `${(e.read / max) * 100}%`;
    for (const key of DRAW_ORDER) {
      const value = e[key] ?? 0;
      if (!value) continue;
      const segment = segments.find((s) => s.key === key);
      if (!segment) continue;
      const part = h('div', { class: `seg seg-${segment.tone}`, title: `${name}: ${num(value)} ${segment.label.toLowerCase()}` });
      part.style.width = `${(value / e.read) * 100}%`;
      bar.append(part);
    }
    track.append(bar);
    return h('div', { class: 'chart-row' },
      h('span', { class: 'chart-label' }, name),
      track,
      h('span', { class: 'chart-value' }, num(e.read)));
  });

  return h('figure', { class: 'chart' },
    h('div', { class: 'chart-rows', role: 'img', 'aria-label': `Records read per entity, by outcome. ${description}` }, rows),
    h('figcaption', { class: 'legend' }, segments.slice().reverse().map((s) =>
      h('span', { class: 'legend-item' }, h('span', { class: `swatch seg-${s.tone}`, 'aria-hidden': 'true' }), s.label))));
}
