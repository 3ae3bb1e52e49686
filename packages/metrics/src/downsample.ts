import { MetricsInputError } from './errors.js';

export interface Downsampled {
  time: Float64Array;
  values: Float64Array;
}

/**
 * The indices M4 keeps of series that share one time axis: the points are cut into buckets of
 * consecutive indices and each bucket keeps its first and last index and, for every series, the
 * index of its minimum and of its maximum - in order, without duplicates. So every peak and trough
 * of every series survives, the first and last points are always kept, and all series stay on
 * one time axis (equity and drawdown plotted together line up). At most `maxPoints` indices:
 * floor(maxPoints / (2 + 2 * series)) buckets. Buckets are by index, not by time, so gaps in the
 * data (weekends) never leave a bucket empty. Null when the series need no thinning.
 */
export function m4Indices(
  length: number,
  series: readonly Float64Array[],
  maxPoints: number,
): Int32Array | null {
  if (!Number.isInteger(maxPoints) || maxPoints < 2 + 2 * series.length) {
    throw new MetricsInputError(
      `maxPoints must be an integer >= ${2 + 2 * series.length}, got ${maxPoints}`,
    );
  }
  for (const values of series) {
    if (values.length !== length) {
      throw new MetricsInputError(
        `every series must have ${length} points like the time axis (got ${values.length})`,
      );
    }
  }
  if (length <= maxPoints) return null;

  const perBucket = 2 + 2 * series.length;
  const buckets = Math.floor(maxPoints / perBucket);
  const keep = new Int32Array(buckets * perBucket);
  const picks: number[] = [];
  let kept = 0;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * length) / buckets);
    const to = Math.floor(((b + 1) * length) / buckets) - 1;
    picks.length = 0;
    picks.push(from, to);
    for (const values of series) {
      let lo = from;
      let hi = from;
      for (let i = from + 1; i <= to; i++) {
        const v = values[i]!;
        if (v < values[lo]!) lo = i;
        if (v > values[hi]!) hi = i;
      }
      picks.push(lo, hi);
    }
    picks.sort((a, b) => a - b);
    for (const i of picks) {
      if (kept === 0 || keep[kept - 1]! < i) keep[kept++] = i;
    }
  }
  return keep.slice(0, kept);
}

/** The values at `indices`. */
export function valuesAt(values: Float64Array, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]!]!;
  return out;
}

/**
 * At most `maxPoints` points of (time, values) for plotting, M4 style (see m4Indices with one
 * series). A series of at most `maxPoints` points is copied exactly.
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
  const indices = m4Indices(time.length, [values], maxPoints);
  if (indices === null) return { time: time.slice(), values: values.slice() };
  return { time: valuesAt(time, indices), values: valuesAt(values, indices) };
}
