// Time left from how fast the percentage moved over the last half minute, within the current phase
// (the phases move the percentage at very different speeds: extracting and transforming take it to
// 45 % in moments), and honest ("estimating…") until there is movement to measure.
import { duration } from '../format.js';

const WINDOW_MS = 30_000;

export class EtaEstimator {
  #samples = [];

  /** Forgets what was measured: a new phase, or a gap in the samples. */
  reset() {
    this.#samples = [];
  }

  add(percent, now = Date.now()) {
    this.#samples.push({ t: now, p: percent });
    while (this.#samples.length > 2 && now - this.#samples[0].t > WINDOW_MS) this.#samples.shift();
  }

  /** Seconds left, or null while unknown. */
  seconds() {
    if (this.#samples.length < 2) return null;
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const perSecond = (last.p - first.p) / ((last.t - first.t) / 1000);
    if (!(perSecond > 0)) return null;
    return (100 - last.p) / perSecond;
  }

  text() {
    const left = this.seconds();
    return left === null ? 'estimating…' : `about ${duration(left)}`;
  }
}
