import { MetricsInputError } from './errors.js';

export interface Downsampled {
  time: Float64Array;
  values: Float64Array;
}

/**
 * At most `maxPoints` points of (time, values) for plotting, M4 style: the series is cut into
 * floor(maxPoints / 4) buckets of consecutive points and each keeps its first, minimum, maximum
 * and last point, in time order and without duplicates, so every peak and trough survives and the
 * first and last points are always kept. A series of at most `maxPoints` points is copied exactly.
 * Buckets are by index, not by time, so gaps in the data (weekends) never leave a bucket empty.
 */
export function downsample(
  time: Float64Array,
  values: Float64Array,
  maxPoints: number,
): Downsampled {
  if (time.length !== values.length) {
    throw new MetricsInputError(
      `time and values must have equal lengths (got ${time.length} and ${values.length})`,
    );
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 4) {
    throw new MetricsInputError(`maxPoints must be an integer >= 4, got ${maxPoints}`);
  }
  const n = time.length;
  if (n <= maxPoints) return { time: time.slice(), values: values.slice() };

  const buckets = Math.floor(maxPoints / 4);
  const keep = new Int32Array(buckets * 4);
  let kept = 0;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets) - 1;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i <= to; i++) {
      const v = values[i]!;
      if (v < values[lo]!) lo = i;
      if (v > values[hi]!) hi = i;
    }
    const [mid1, mid2] = lo <= hi ? [lo, hi] : [hi, lo];
    for (const i of [from, mid1, mid2, to]) {
      if (kept === 0 || keep[kept - 1]! < i) keep[kept++] = i;
    }
  }
  const out = { time: new Float64Array(kept), values: new Float64Array(kept) };
  for (let k = 0; k < kept; k++) {
    out.time[k] = time[keep[k]!]!;
    out.values[k] = values[keep[k]!]!;
  }
  return out;
}
