/** A half-open span of time [from, to) in UTC epoch milliseconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** The widest span a Date can hold: what "everything" means for a range. */
export const ALL_TIME: TimeRange = { from: -8.64e15, to: 8.64e15 };

/** Sorted, non-empty, non-overlapping and non-touching: touching spans are joined. */
export function normalizeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter((r) => r.to > r.from).sort((a, b) => a.from - b.from);
  const out: TimeRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.from <= last.to) {
      if (range.to > last.to) out[out.length - 1] = { from: last.from, to: range.to };
    } else {
      out.push(range);
    }
  }
  return out;
}

export function unionRanges(a: readonly TimeRange[], b: readonly TimeRange[]): TimeRange[] {
  return normalizeRanges([...a, ...b]);
}

/** The parts of `want` that `have` does not cover. */
export function missingRanges(want: TimeRange, have: readonly TimeRange[]): TimeRange[] {
  const missing: TimeRange[] = [];
  let cursor = want.from;
  for (const range of normalizeRanges(have)) {
    if (range.to <= cursor) continue;
    if (range.from >= want.to) break;
    if (range.from > cursor) missing.push({ from: cursor, to: range.from });
    cursor = Math.max(cursor, range.to);
    if (cursor >= want.to) break;
  }
  if (cursor < want.to) missing.push({ from: cursor, to: want.to });
  return missing;
}
