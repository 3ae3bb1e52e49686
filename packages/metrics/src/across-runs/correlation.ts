const MS_PER_DAY = 86_400_000;

/** Daily returns of an equity curve keyed by the UTC day they end on (epoch days). */
export interface DailyReturns {
  days: Int32Array;
  returns: Float64Array;
}

/** Returns between the last equity of consecutive UTC days; days with no bar do not appear. */
export function dailyReturns(time: Float64Array, equity: Float64Array): DailyReturns {
  const days = new Int32Array(time.length);
  const returns = new Float64Array(time.length);
  let n = 0;
  // The last bar of each UTC day: where the next bar falls on a later day, or the series ends.
  let previousEnd = -1;
  for (let i = 0; i < time.length; i++) {
    const day = Math.floor(time[i]! / MS_PER_DAY);
    const isDayEnd = i === time.length - 1 || Math.floor(time[i + 1]! / MS_PER_DAY) !== day;
    if (!isDayEnd) continue;
    if (previousEnd >= 0) {
      days[n] = day;
      returns[n] = equity[i]! / equity[previousEnd]! - 1;
      n++;
    }
    previousEnd = i;
  }
  return { days: days.subarray(0, n), returns: returns.subarray(0, n) };
}

export interface Correlation {
  /** Pearson's r over the common days; null below 3 of them or when a side is constant. */
  r: number | null;
  days: number;
}

/** Pearson's correlation of two daily return series over the days both have (a merge join). */
export function correlate(a: DailyReturns, b: DailyReturns): Correlation {
  let i = 0;
  let j = 0;
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  // First pass for the means, second for the centred sums: stable for returns near zero.
  while (i < a.days.length && j < b.days.length) {
    const da = a.days[i]!;
    const db = b.days[j]!;
    if (da < db) i++;
    else if (db < da) j++;
    else {
      sumX += a.returns[i++]!;
      sumY += b.returns[j++]!;
      n++;
    }
  }
  if (n < 3) return { r: null, days: n };
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  i = 0;
  j = 0;
  while (i < a.days.length && j < b.days.length) {
    const da = a.days[i]!;
    const db = b.days[j]!;
    if (da < db) i++;
    else if (db < da) j++;
    else {
      const dx = a.returns[i++]! - meanX;
      const dy = b.returns[j++]! - meanY;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
  }
  if (sxx === 0 || syy === 0) return { r: null, days: n };
  return { r: sxy / Math.sqrt(sxx * syy), days: n };
}
