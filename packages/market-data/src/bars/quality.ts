import type { Bars, Timeframe } from '@hindsight/engine';
import { formatTime } from '../time/time-format.js';
import { DAY_MS, TIMEFRAME_MS, WEEK_MS } from '../time/timeframes.js';
import { medianOf } from './median.js';

export interface Gap {
  /** The bars on either side of the hole. */
  readonly from: number;
  readonly to: number;
  /** Bars the series would normally have between them. */
  readonly missing: number;
}

export interface Outlier {
  readonly time: number;
  /** Close-to-close change, as a fraction (0.35 = +35 %). */
  readonly change: number;
}

export interface QualityReport {
  readonly timeframe: Timeframe;
  readonly bars: number;
  readonly first: number | null;
  readonly last: number | null;
  /** Median time between consecutive bars; null with fewer than two bars. */
  readonly medianSpacingMs: number | null;
  readonly gaps: { readonly count: number; readonly missing: number; readonly samples: Gap[] };
  readonly duplicates: { readonly count: number; readonly samples: number[] };
  readonly outliers: { readonly count: number; readonly samples: Outlier[] };
  readonly zeroVolume: { readonly count: number; readonly samples: number[] };
  /** One line per problem, for a backtest result to carry. Empty when the series looks clean. */
  readonly warnings: string[];
}

export interface QualityOptions {
  /** A close-to-close move this many robust standard deviations from the median is an outlier. */
  readonly outlierSigmas?: number;
  /** How many examples of each problem to keep. */
  readonly samples?: number;
}

/** The columns the report reads; raw provider data with duplicates is fine. */
export type QualityInput = Pick<Bars, 'length' | 'time' | 'close' | 'volume'>;

const FIRST_MONDAY_DAY = 4;
const ROBUST_SAMPLE = 65_536;

/**
 * Checks one series for what makes a backtest over it misleading:
 * - gaps: for weekly bars, any missing week. For daily and intraday bars, the days of the week the
 *   series trades on are learnt from the data (a weekday counts if it has bars in at least a tenth
 *   of the weeks), and a gap is two or more such days missing in a row - one is usually a holiday.
 *   Intraday bars also report holes inside a day (consecutive bars of one UTC day further apart
 *   than the timeframe).
 * - duplicates: consecutive bars with one timestamp.
 * - outliers: close-to-close log moves more than `outlierSigmas` (default 10) robust standard
 *   deviations (1.4826 x the median absolute deviation) from the median move; moves across a break
 *   in trading (overnight, weekends) are compared with each other, not with regular moves.
 * - zero volume bars.
 */
export function qualityReport(
  bars: QualityInput,
  timeframe: Timeframe,
  options: QualityOptions = {},
): QualityReport {
  const limit = options.samples ?? 10;
  const sigmas = options.outlierSigmas ?? 10;
  const n = bars.length;
  const { time, close, volume } = bars;

  const duplicates: number[] = [];
  let duplicateCount = 0;
  const zeroVolume: number[] = [];
  let zeroCount = 0;
  for (let i = 0; i < n; i++) {
    if (volume[i] === 0) {
      if (zeroCount++ < limit) zeroVolume.push(time[i]!);
    }
    if (i > 0 && time[i] === time[i - 1]) {
      if (duplicateCount++ < limit) duplicates.push(time[i]!);
    }
  }

  const gaps = findGaps(time, n, timeframe, limit);
  const outliers = findOutliers(time, close, n, TIMEFRAME_MS[timeframe], sigmas, limit);
  const medianSpacingMs = medianSpacing(time, n);

  const warnings: string[] = [];
  const expected = TIMEFRAME_MS[timeframe];
  if (
    medianSpacingMs !== null &&
    (medianSpacingMs > 1.5 * expected || medianSpacingMs < expected)
  ) {
    warnings.push(
      `bars are typically ${describeSpan(medianSpacingMs)} apart, which does not match the ` +
        `timeframe ${timeframe}`,
    );
  }
  if (gaps.count > 0) {
    const largest = gaps.largest!;
    warnings.push(
      `${plural(gaps.count, 'gap')} (${plural(gaps.missing, 'missing bar')}; largest ` +
        `${formatTime(largest.from)} to ${formatTime(largest.to)}, ${largest.missing} missing)`,
    );
  }
  if (duplicateCount > 0) {
    warnings.push(
      `${plural(duplicateCount, 'duplicate timestamp')} (first at ${formatTime(duplicates[0]!)})`,
    );
  }
  if (outliers.count > 0) {
    const worst = outliers.worst!;
    warnings.push(
      `${plural(outliers.count, 'outlier jump')} of more than ${sigmas} typical moves (largest ` +
        `${formatChange(worst.change)} at ${formatTime(worst.time)})`,
    );
  }
  if (zeroCount > 0) {
    warnings.push(
      zeroCount === n
        ? 'no bar has any volume (volume is 0 throughout)'
        : `${plural(zeroCount, 'bar')} with zero volume (first at ${formatTime(zeroVolume[0]!)})`,
    );
  }

  return {
    timeframe,
    bars: n,
    first: n > 0 ? time[0]! : null,
    last: n > 0 ? time[n - 1]! : null,
    medianSpacingMs,
    gaps: { count: gaps.count, missing: gaps.missing, samples: gaps.samples },
    duplicates: { count: duplicateCount, samples: duplicates },
    outliers: { count: outliers.count, samples: outliers.samples },
    zeroVolume: { count: zeroCount, samples: zeroVolume },
    warnings,
  };
}

interface GapScan {
  count: number;
  missing: number;
  samples: Gap[];
  largest: Gap | null;
}

function findGaps(time: Float64Array, n: number, timeframe: Timeframe, limit: number): GapScan {
  const scan: GapScan = { count: 0, missing: 0, samples: [], largest: null };
  const record = (from: number, to: number, missing: number) => {
    const gap = { from, to, missing };
    scan.count++;
    scan.missing += missing;
    if (scan.samples.length < limit) scan.samples.push(gap);
    if (scan.largest === null || missing > scan.largest.missing) scan.largest = gap;
  };
  if (n < 2) return scan;

  if (timeframe === '1w') {
    for (let i = 1; i < n; i++) {
      const missing = Math.round((time[i]! - time[i - 1]!) / WEEK_MS) - 1;
      if (missing >= 1) record(time[i - 1]!, time[i]!, missing);
    }
    return scan;
  }

  const { active, days } = tradingDays(time, n);
  const step = TIMEFRAME_MS[timeframe];
  const intraday = timeframe !== '1d';
  const barsPerDay = intraday ? Math.max(1, Math.round(n / days)) : 1;
  let previousDay = Math.floor(time[0]! / DAY_MS);
  for (let i = 1; i < n; i++) {
    const previous = time[i - 1]!;
    const current = time[i]!;
    if (!(current > previous)) continue;
    const day = Math.floor(current / DAY_MS);
    const sameDay = day === previousDay;
    const dayBefore = previousDay;
    previousDay = day;
    if (intraday && sameDay) {
      const missing = Math.round((current - previous) / step) - 1;
      if (missing >= 1) record(previous, current, missing);
      continue;
    }
    let missingDays = 0;
    for (let d = dayBefore + 1; d < day; d++) if (active[weekday(d)]) missingDays++;
    if (missingDays >= 2) record(previous, current, missingDays * barsPerDay);
  }
  return scan;
}

/**
 * Days of the week (0 = Monday) with bars in at least a tenth of the weeks the series spans, and
 * the number of distinct days with bars.
 */
function tradingDays(time: Float64Array, n: number): { active: boolean[]; days: number } {
  const weeks = Math.max(1, Math.ceil((time[n - 1]! - time[0]!) / WEEK_MS));
  const counts = [0, 0, 0, 0, 0, 0, 0];
  let days = 0;
  let lastDay = Number.NaN;
  for (let i = 0; i < n; i++) {
    const day = Math.floor(time[i]! / DAY_MS);
    if (day === lastDay) continue;
    lastDay = day;
    days++;
    counts[weekday(day)]!++;
  }
  const threshold = Math.max(1, Math.ceil(weeks / 10));
  return { active: counts.map((count) => count >= threshold), days };
}

/** 0 = Monday for a day number since 1970-01-01 (a Thursday). */
function weekday(day: number): number {
  return (((day - FIRST_MONDAY_DAY) % 7) + 7) % 7;
}

interface OutlierScan {
  count: number;
  samples: Outlier[];
  worst: Outlier | null;
}

function findOutliers(
  time: Float64Array,
  close: Float64Array,
  n: number,
  step: number,
  sigmas: number,
  limit: number,
): OutlierScan {
  const scan: OutlierScan = { count: 0, samples: [], worst: null };
  if (n < 3) return scan;
  // A move across a break in trading (overnight, a weekend, a holiday) holds the whole break's
  // news and is routinely many times a regular bar's move, so such moves are judged against each
  // other, and regular moves against regular moves.
  const breakAfter = 1.5 * step;
  const sizes = [0, 0];
  for (let i = 1; i < n; i++) sizes[time[i]! - time[i - 1]! > breakAfter ? 1 : 0]!++;
  // Median and MAD from a strided sample of each group (exact below 65,536 moves), then bounds on
  // the close-to-close ratio, so the full pass needs a division per bar and no logarithm.
  const strides = sizes.map((size) => Math.max(1, Math.floor(size / ROBUST_SAMPLE)));
  const samples = sizes.map((size, g) => new Float64Array(Math.ceil(size / strides[g]!)));
  const seen = [0, 0];
  const filled = [0, 0];
  for (let i = 1; i < n; i++) {
    const g = time[i]! - time[i - 1]! > breakAfter ? 1 : 0;
    if (seen[g]!++ % strides[g]! === 0)
      samples[g]![filled[g]!++] = Math.log(close[i]! / close[i - 1]!);
  }
  const low = [0, 0];
  const high = [0, 0];
  for (const g of [0, 1]) {
    const sample = samples[g]!;
    if (sample.length < 2) {
      low[g] = 0;
      high[g] = Number.POSITIVE_INFINITY;
      continue;
    }
    const median = medianOf(sample);
    for (let i = 0; i < sample.length; i++) sample[i] = Math.abs(sample[i]! - median);
    const scale = 1.4826 * medianOf(sample);
    // A flat series (no spread) cannot say what is unusual.
    low[g] = scale > 0 ? Math.exp(median - sigmas * scale) : 0;
    high[g] = scale > 0 ? Math.exp(median + sigmas * scale) : Number.POSITIVE_INFINITY;
  }
  for (let i = 1; i < n; i++) {
    const g = time[i]! - time[i - 1]! > breakAfter ? 1 : 0;
    const ratio = close[i]! / close[i - 1]!;
    if (ratio > high[g]! || ratio < low[g]!) {
      const outlier = { time: time[i]!, change: ratio - 1 };
      scan.count++;
      if (scan.samples.length < limit) scan.samples.push(outlier);
      if (
        scan.worst === null ||
        Math.abs(Math.log(ratio)) > Math.abs(Math.log1p(scan.worst.change))
      ) {
        scan.worst = outlier;
      }
    }
  }
  return scan;
}

function medianSpacing(time: Float64Array, n: number): number | null {
  if (n < 2) return null;
  const stride = Math.max(1, Math.floor((n - 1) / ROBUST_SAMPLE));
  const spacing = new Float64Array(Math.ceil((n - 1) / stride));
  for (let i = 1, j = 0; i < n; i += stride) spacing[j++] = time[i]! - time[i - 1]!;
  return medianOf(spacing);
}

function describeSpan(ms: number): string {
  if (ms >= DAY_MS) return `${round(ms / DAY_MS)} days`;
  if (ms >= 3_600_000) return `${round(ms / 3_600_000)} hours`;
  return `${round(ms / 60_000)} minutes`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function formatChange(change: number): string {
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
