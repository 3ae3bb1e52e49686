/**
 * What names a series of bars, shared by the market-data cache (which stores and loads them) and
 * the request schemas (which validate what a client asks for), so both accept the same things.
 */

/** Bar sizes from finest to coarsest. `1m` is one minute; there is no month. */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/** A provider name (`csv`, `synthetic`, `alphavantage`), in any case: readers lower-case it. */
export const SYMBOL_SOURCE_PATTERN = '[A-Za-z][A-Za-z0-9_-]{0,31}';

/**
 * A ticker, in any case: readers upper-case it. Yahoo-style names are real tickers, so `^` (an
 * index, `^GSPC`) and `=` (FX and futures, `EURUSD=X`, `ES=F`) are letters here. The cache makes
 * names directory names: no `/` or `:`, and no leading `.` (a hidden or parent directory), `_`,
 * `=` or `-`.
 */
export const SYMBOL_NAME_PATTERN = '[A-Za-z0-9^][A-Za-z0-9._^=-]{0,63}';

/**
 * The whole grammar: a name imported into the cache (`GOOG`) or `source:NAME`
 * (`synthetic:DEMO`, `alphavantage:IBM`). A JSON Schema pattern too: no flags, and the same under
 * the `u` flag Ajv compiles it with.
 */
export const SYMBOL_PATTERN = `^(${SYMBOL_SOURCE_PATTERN}:)?${SYMBOL_NAME_PATTERN}$`;
