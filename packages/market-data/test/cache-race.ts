import type { SeriesKey } from '../src/cache/cache.js';

/** The series the multi-process test fights over, and the size of each writer's commit. */
export const RACE_KEY: SeriesKey = { source: 'synthetic', symbol: 'RACE', timeframe: '1m' };
export const BARS_PER_SLICE = 10;
