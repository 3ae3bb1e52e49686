import type { Bars, Timeframe } from '@hindsight/engine';
import { MarketDataError } from '../errors.js';
import { bucketStart, canResample } from '../time/timeframes.js';

export class ResampleError extends MarketDataError {
  override readonly name = 'ResampleError';
}

/**
 * Bars of timeframe `from` aggregated into `to` (equal or coarser): each bucket's bar is stamped
 * with the bucket's start (UTC; weeks start on Monday) and takes the first open, the highest high,
 * the lowest low, the last close and the summed volume. A bucket without bars yields no bar; a
 * bucket the data covers only partly (the last, say) still yields one.
 */
export function resampleBars(bars: Bars, from: Timeframe, to: Timeframe): Bars {
  if (!canResample(from, to)) {
    throw new ResampleError(`cannot resample ${from} bars to the finer timeframe ${to}`);
  }
  const n = bars.length;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let m = -1;
  let bucket = Number.NaN;
  for (let i = 0; i < n; i++) {
    const start = bucketStart(bars.time[i]!, to);
    if (start !== bucket) {
      bucket = start;
      m++;
      time[m] = start;
      open[m] = bars.open[i]!;
      high[m] = bars.high[i]!;
      low[m] = bars.low[i]!;
      close[m] = bars.close[i]!;
      volume[m] = bars.volume[i]!;
    } else {
      if (bars.high[i]! > high[m]!) high[m] = bars.high[i]!;
      if (bars.low[i]! < low[m]!) low[m] = bars.low[i]!;
      close[m] = bars.close[i]!;
      volume[m] = volume[m]! + bars.volume[i]!;
    }
  }
  const length = m + 1;
  return {
    length,
    time: time.subarray(0, length),
    open: open.subarray(0, length),
    high: high.subarray(0, length),
    low: low.subarray(0, length),
    close: close.subarray(0, length),
    volume: volume.subarray(0, length),
  };
}
