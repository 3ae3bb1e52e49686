import { TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import { InvalidTimeframeError } from '../errors.js';

const MINUTE = 60_000;
export const DAY_MS = 1_440 * MINUTE;
export const WEEK_MS = 7 * DAY_MS;

export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '1d': DAY_MS,
  '1w': WEEK_MS,
};

/** Weeks start on Monday 00:00 UTC; 1970-01-01 was a Thursday, so the first Monday is 4 days in. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

export function parseTimeframe(value: string): Timeframe {
  if (isTimeframe(value)) return value;
  throw new InvalidTimeframeError(value, TIMEFRAMES);
}

/** Start of the bucket of `timeframe` that holds `time` (UTC; weeks start on Monday). */
export function bucketStart(time: number, timeframe: Timeframe): number {
  if (timeframe === '1w') {
    return Math.floor((time - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS;
  }
  const size = TIMEFRAME_MS[timeframe];
  return Math.floor(time / size) * size;
}

/** Whether bars of `fine` can be resampled into `coarse` (every coarse bucket is whole fine ones). */
export function canResample(fine: Timeframe, coarse: Timeframe): boolean {
  return TIMEFRAMES.indexOf(coarse) >= TIMEFRAMES.indexOf(fine);
}
