import type { Bars } from '@hindsight/engine';
import type { TimeRange } from '../time/ranges.js';

/**
 * `base` with `replaced` cleared and `incoming` laid over it: a provider's answer for a range is
 * the whole truth for that range, so base bars inside it go (a bar the provider dropped or moved
 * must not linger), and where both have a bar at one time outside it, the incoming one wins.
 */
export function mergeBars(base: Bars, incoming: Bars, replaced: TimeRange): Bars {
  const capacity = base.length + incoming.length;
  const out = {
    time: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
  let n = 0;
  const copy = (from: Bars, i: number) => {
    out.time[n] = from.time[i]!;
    out.open[n] = from.open[i]!;
    out.high[n] = from.high[i]!;
    out.low[n] = from.low[i]!;
    out.close[n] = from.close[i]!;
    out.volume[n] = from.volume[i]!;
    n++;
  };
  let i = 0;
  let j = 0;
  while (i < base.length || j < incoming.length) {
    const a = i < base.length ? base.time[i]! : Number.POSITIVE_INFINITY;
    if (a >= replaced.from && a < replaced.to) {
      i++;
      continue;
    }
    const b = j < incoming.length ? incoming.time[j]! : Number.POSITIVE_INFINITY;
    if (b <= a) {
      copy(incoming, j++);
      if (b === a) i++;
    } else {
      copy(base, i++);
    }
  }
  return {
    length: n,
    time: out.time.subarray(0, n),
    open: out.open.subarray(0, n),
    high: out.high.subarray(0, n),
    low: out.low.subarray(0, n),
    close: out.close.subarray(0, n),
    volume: out.volume.subarray(0, n),
  };
}
