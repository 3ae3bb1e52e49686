import type { DurationUnit, ReturnBasis } from './stats-schema.js';
import { epochDay, MS_PER_DAY, weekday } from './time.js';

/** How often the data ticks, as backtesting.py infers it. */
export interface Periodicity {
  /** Median spacing of the last 100 timestamps in ms; null with a single bar. */
  medianSpacingMs: number | null;
  /** A: 52 weekly, 12 monthly, 1 yearly, else 365 with weekend bars or 252. */
  periodsPerYear: number;
  returnBasis: ReturnBasis;
  /** Durations are rounded up to whole multiples of this unit (the spacing's finest component). */
  durationUnit: DurationUnit;
  durationUnitMs: number;
}

const SPACING_WINDOW = 100;
/** backtesting.py: weekend bars above 60 % of the weekend's share of a week mean 7-day trading. */
const WEEKEND_SHARE = (2 / 7) * 0.6;

const UNITS: readonly (readonly [DurationUnit, number])[] = [
  ['day', MS_PER_DAY],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
  ['millisecond', 1],
  ['microsecond', 0.001],
];

/** Median of the differences between the last 100 timestamps (mean of the middle two if even). */
export function medianSpacing(time: Float64Array): number | null {
  const from = Math.max(0, time.length - SPACING_WINDOW);
  const count = time.length - from - 1;
  if (count < 1) return null;
  const diffs = new Float64Array(count);
  for (let i = 0; i < count; i++) diffs[i] = time[from + i + 1]! - time[from + i]!;
  diffs.sort();
  const mid = count >> 1;
  return count % 2 === 1 ? diffs[mid]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
}

/**
 * Share of bars whose UTC day is a Saturday or a Sunday. Timestamps increase, so the calendar is
 * consulted only when a bar starts a new day.
 */
export function weekendShare(time: Float64Array): number {
  let weekend = 0;
  let nextDayStart = Number.NEGATIVE_INFINITY;
  let isWeekend = false;
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (t >= nextDayStart) {
      const day = epochDay(t);
      nextDayStart = (day + 1) * MS_PER_DAY;
      isWeekend = weekday(day) >= 5;
    }
    if (isWeekend) weekend++;
  }
  return weekend / time.length;
}

/**
 * Periods a year, resampling basis and duration unit, as backtesting.py infers them; see
 * `resamplingBasis` and `periodsPerYear`.
 */
export function inferPeriodicity(time: Float64Array): Periodicity {
  const spacing = medianSpacing(time);
  const returnBasis = resamplingBasis(spacing);
  const [durationUnit, durationUnitMs] = finestUnit(spacing);
  return {
    medianSpacingMs: spacing,
    periodsPerYear: periodsPerYear(returnBasis, weekendShare(time)),
    returnBasis,
    durationUnit,
    durationUnitMs,
  };
}

/**
 * The resampling basis from the median spacing's whole days (pandas' Timedelta.days): 7 -> week,
 * 31 -> month, 365 -> year, anything else (or a single bar) -> day. A monthly series whose median
 * spacing is not 31 days (30.5 over four month-ends) is therefore daily, as in backtesting.py.
 */
export function resamplingBasis(spacingMs: number | null): ReturnBasis {
  const days = spacingMs === null ? null : Math.floor(spacingMs / MS_PER_DAY);
  if (days === 7) return 'week';
  if (days === 31) return 'month';
  if (days === 365) return 'year';
  return 'day';
}

/** A: 52 weekly, 12 monthly, 1 yearly; daily 365 when weekend bars are common, else 252. */
export function periodsPerYear(basis: ReturnBasis, weekendShareOfBars: number): number {
  if (basis === 'week') return 52;
  if (basis === 'month') return 12;
  if (basis === 'year') return 1;
  return weekendShareOfBars > WEEKEND_SHARE ? 365 : 252;
}

/** pandas' Timedelta.resolution_string: the finest non-zero component of the spacing. */
export function finestUnit(spacing: number | null): readonly [DurationUnit, number] {
  if (spacing === null) return UNITS[0]!;
  for (const unit of UNITS) {
    if (unit[1] >= 1 ? spacing % unit[1] === 0 : Number.isInteger(spacing * 1000)) return unit;
  }
  return UNITS[UNITS.length - 1]!;
}

/** `ms` rounded up to a whole number of `unitMs`, in days. */
export function roundUpDays(ms: number, unitMs: number): number {
  return roundUpMeanDays(ms, 1, unitMs);
}

/**
 * sum / count rounded up to a whole number of `unitMs`, in days. Checked with integer products
 * (scaled to microseconds for the microsecond unit), so with integer-millisecond timestamps an
 * exact multiple never rounds up by a float error.
 */
export function roundUpMeanDays(sumMs: number, count: number, unitMs: number): number {
  const scale = unitMs < 1 ? 1000 : 1;
  const unit = Math.round(unitMs * scale);
  const total = sumMs * scale;
  const step = count * unit;
  let steps = Math.ceil(total / step);
  if ((steps - 1) * step >= total) steps--;
  else if (steps * step < total) steps++;
  return (steps * unit) / (MS_PER_DAY * scale);
}
