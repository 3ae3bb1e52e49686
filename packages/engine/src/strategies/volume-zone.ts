import type { Bars } from '../bars.js';
import { highest, rollingPercentile } from '../indicators/index.js';

/**
 * volume_zone_breakout's zone high at each bar i: over the previous `window` bars (bar i
 * excluded), the highest high of the bars whose volume is >= the (1 - topPercentile) percentile of
 * those volumes (`rollingPercentile`: linear interpolation, numpy's default); the highest-volume
 * bar always belongs to the zone, even where interpolation rounds the threshold above it. NaN
 * before bar `window`. Cost O(n * window): the threshold moves every bar, so the high is scanned.
 */
export function volumeZoneHigh(bars: Bars, window: number, topPercentile: number): Float64Array {
  const { high, volume } = bars;
  const n = bars.length;
  const threshold = rollingPercentile(volume, window, 1 - topPercentile);
  const loudest = highest(volume, window);
  const zoneHigh = new Float64Array(n).fill(Number.NaN);
  for (let i = window; i < n; i++) {
    const cut = Math.min(threshold[i - 1]!, loudest[i - 1]!);
    let top = Number.NEGATIVE_INFINITY;
    for (let j = i - window; j < i; j++) {
      if (volume[j]! >= cut && high[j]! > top) top = high[j]!;
    }
    zoneHigh[i] = top;
  }
  return zoneHigh;
}
