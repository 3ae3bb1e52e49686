import { type Bars, TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import { type QualityReport, qualityReport } from './bars/quality.js';
import { resampleBars } from './bars/resample.js';
import { barsWithin } from './bars/slice.js';
import type { MarketDataCache, SeriesKey } from './cache/cache.js';
import { InvalidRangeError, UnknownSourceError } from './errors.js';
import type { Providers } from './providers/provider.js';
import { formatSymbol, IMPORTED_SOURCE, parseSymbol } from './symbols.js';
import { ALL_TIME, missingRanges, type TimeRange } from './time/ranges.js';
import { bucketStart, TIMEFRAME_MS } from './time/timeframes.js';

export interface LoadBarsOptions {
  readonly cache: MarketDataCache;
  readonly providers: Providers;
  /** `GOOG` (imported) or `source:NAME` (`synthetic:DEMO`, `alphavantage:IBM`). */
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Bars at or after this time (UTC ms); the provider's default span when not given. */
  readonly from?: number;
  /** Bars before this time. */
  readonly to?: number;
  readonly signal?: AbortSignal;
  /** "Now" for providers whose recent bars are still moving; the clock when not given. */
  readonly now?: number;
}

export interface LoadedBars {
  readonly bars: Bars;
  /** The symbol's source (`csv`, `synthetic`, `alphavantage`). */
  readonly source: string;
  /** The symbol as canonically spelt (`GOOG`, `synthetic:DEMO`). */
  readonly symbol: string;
  /** True when nothing had to be fetched. */
  readonly fromCache: boolean;
  readonly quality: QualityReport;
}

/**
 * The bars of `symbol` at `timeframe` within [from, to): read from the cache, with only the spans
 * the cache does not cover fetched from the symbol's provider and stored before returning.
 * An imported symbol that is cached only at a finer timeframe is resampled from it.
 */
export async function loadBars(options: LoadBarsOptions): Promise<LoadedBars> {
  const { cache, providers, timeframe, signal } = options;
  const parsed = parseSymbol(options.symbol);
  const provider = providers.get(parsed.source);
  if (provider === undefined) throw new UnknownSourceError(parsed.source, [...providers.keys()]);
  const now = options.now ?? Date.now();
  const range = resolveRange(provider.defaultRange(timeframe, now), options.from, options.to);
  const key: SeriesKey = { source: parsed.source, symbol: parsed.name, timeframe };
  const result = (bars: Bars, fromCache: boolean): LoadedBars => ({
    bars,
    source: parsed.source,
    symbol: formatSymbol(parsed),
    fromCache,
    quality: qualityReport(bars, timeframe),
  });

  const cached = await cache.read(key, range);
  const missing = missingRanges(range, cached?.info.coverage ?? []);
  if (cached !== null && missing.length === 0) return result(cached.bars, true);

  if (cached === null && parsed.source === IMPORTED_SOURCE) {
    const resampled = await resampleFromFiner(cache, key, range);
    if (resampled !== null) return result(resampled, true);
  }

  const settledBefore = provider.settledBefore(timeframe, now);
  for (const span of missing) {
    signal?.throwIfAborted();
    const bars = await provider.fetch({ symbol: parsed.name, timeframe, range: span, signal });
    await cache.write(key, bars, { coverage: span, settledBefore, origin: provider.source });
  }
  const stored = await cache.read(key, range);
  return result(stored?.bars ?? emptyBars(), false);
}

function resolveRange(defaults: TimeRange, from?: number, to?: number): TimeRange {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new InvalidRangeError(`${name} must be a finite time, got ${value}`);
    }
  }
  // One open end takes the default's, unless that would leave nothing; then it keeps the
  // default span's length from the given end.
  const span = defaults.to - defaults.from;
  const clamp = (time: number) => Math.min(ALL_TIME.to, Math.max(ALL_TIME.from, time));
  const start = from ?? (to === undefined || defaults.from < to ? defaults.from : clamp(to - span));
  const end = to ?? (from === undefined || defaults.to > from ? defaults.to : clamp(from + span));
  if (!(start < end)) {
    throw new InvalidRangeError(
      `the range is empty: from ${new Date(start).toISOString()} is not before to ${new Date(end).toISOString()}`,
    );
  }
  return { from: start, to: end };
}

/** The series resampled from the coarsest cached timeframe finer than `key.timeframe`, if any. */
async function resampleFromFiner(
  cache: MarketDataCache,
  key: SeriesKey,
  range: TimeRange,
): Promise<Bars | null> {
  const finer = TIMEFRAMES.slice(0, TIMEFRAMES.indexOf(key.timeframe)).reverse();
  const widened = {
    from: Math.max(ALL_TIME.from, bucketStart(range.from, key.timeframe)),
    to: Math.min(ALL_TIME.to, bucketStart(range.to, key.timeframe) + TIMEFRAME_MS[key.timeframe]),
  };
  for (const timeframe of finer) {
    const source = await cache.read({ ...key, timeframe }, widened);
    if (source !== null) {
      return barsWithin(resampleBars(source.bars, timeframe, key.timeframe), range);
    }
  }
  return null;
}

function emptyBars(): Bars {
  const empty = new Float64Array(0);
  return {
    length: 0,
    time: empty,
    open: empty,
    high: empty,
    low: empty,
    close: empty,
    volume: empty,
  };
}
