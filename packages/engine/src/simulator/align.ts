import type { Bars } from '../bars.js';

/**
 * Cuts several symbols' bars to the timestamps they all share (the intersection), so they can be
 * simulated as one portfolio. Each input must have strictly increasing timestamps (as `createBars`
 * guarantees). Returns the inputs themselves when they already share one timeline; otherwise new
 * Bars, in input order, all of the same length (possibly 0).
 */
export function alignBars(list: readonly Bars[]): Bars[] {
  if (list.length <= 1 || sharesOneTimeline(list)) return [...list];
  const keep = list.map((bars) => new Int32Array(bars.length));
  const cursor = new Int32Array(list.length);
  const first = list[0]!;
  let kept = 0;
  outer: for (let i = 0; i < first.length; i++) {
    const t = first.time[i]!;
    for (let s = 1; s < list.length; s++) {
      const time = list[s]!.time;
      let j = cursor[s]!;
      while (j < time.length && time[j]! < t) j++;
      cursor[s] = j;
      if (j === time.length) break outer;
      if (time[j] !== t) continue outer;
    }
    keep[0]![kept] = i;
    for (let s = 1; s < list.length; s++) keep[s]![kept] = cursor[s]!;
    kept++;
  }
  return list.map((bars, s) => pick(bars, keep[s]!, kept));
}

function sharesOneTimeline(list: readonly Bars[]): boolean {
  const reference = list[0]!.time;
  for (const bars of list) {
    if (bars.length !== reference.length) return false;
    for (let i = 0; i < reference.length; i++) if (bars.time[i] !== reference[i]) return false;
  }
  return true;
}

function pick(bars: Bars, rows: Int32Array, count: number): Bars {
  const column = (values: Float64Array): Float64Array => {
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) out[k] = values[rows[k]!]!;
    return out;
  };
  return {
    length: count,
    time: column(bars.time),
    open: column(bars.open),
    high: column(bars.high),
    low: column(bars.low),
    close: column(bars.close),
    volume: column(bars.volume),
  };
}
