/**
 * What names a series of bars, shared by the market-data cache (which stores and loads them) and
 * the request schemas (which validate what a client asks for), so both accept the same things.
 */

/** Bar sizes from finest to coarsest. `1m` is one minute; there is no month. */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
