import { TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import {
  createProviders,
  formatSymbol,
  IMPORTED_SOURCE,
  InvalidSymbolError,
  type MarketDataCache,
  type ParsedSymbol,
  parseSymbol,
  type SeriesInfo,
  TIMEFRAME_MS,
} from '@hindsight/market-data';
import { type BacktestRequest, createError, endBound, parseIsoInstant } from '@hindsight/models';
import type { TierLimits } from '@hindsight/service';

/** The sources a symbol may name: the providers a worker has, read off the providers themselves. */
const SOURCES: readonly string[] = [...createProviders().keys()];

export interface MarketDataCheck {
  cache: MarketDataCache;
  /** Whether ALPHAVANTAGE_API_KEY is set; api and workers read the same environment. */
  alphaVantageConfigured: boolean;
  limits: TierLimits;
  tier: string;
}

function unavailable(symbol: string, reason: string) {
  return createError('HS_ERR_SYMBOL_UNAVAILABLE', { symbol, reason });
}

/**
 * The symbols in their one spelling (`synthetic:a` is `synthetic:A`: the cache stores one
 * series for both), so equal runs get equal fingerprints and share a cached result.
 * @throws HS_ERR_VALIDATION when two symbols are one series.
 */
function normalizeSymbols(symbols: readonly string[]): ParsedSymbol[] {
  const seen = new Map<string, string>();
  return symbols.map((input) => {
    let parsed: ParsedSymbol;
    try {
      parsed = parseSymbol(input);
    } catch (error) {
      if (error instanceof InvalidSymbolError) throw unavailable(input, error.reason);
      throw error;
    }
    const canonical = formatSymbol(parsed);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      const reason = `'${earlier}' and '${input}' are one series (${canonical}); name it once`;
      throw createError('HS_ERR_VALIDATION', { reason }, { details: { reason } });
    }
    seen.set(canonical, input);
    return parsed;
  });
}

/** The cached series an imported symbol is read from: its timeframe, or else a finer one. */
async function importedSeries(
  cache: MarketDataCache,
  name: string,
  timeframe: Timeframe,
): Promise<SeriesInfo | null> {
  for (const tf of TIMEFRAMES.slice(0, TIMEFRAMES.indexOf(timeframe) + 1).reverse()) {
    const info = await cache.info({ source: IMPORTED_SOURCE, symbol: name, timeframe: tf });
    if (info !== null && info.bars > 0) return info;
  }
  return null;
}

/**
 * Which data a symbol's bars come from at submit: its cached series and that series' version
 * (`synthetic:DEMO 1d v3`; a version never changes once written), or `uncached`. It goes into the
 * fingerprint, so a result computed on other data (an import replaced, a provider's revision
 * fetched) is never reused for this one.
 */
function dataVersion(symbol: string, info: SeriesInfo | null): string {
  return info === null ? `${symbol} uncached` : `${symbol} ${info.timeframe} v${info.version}`;
}

const DAY_MS = 86_400_000;
/**
 * The longest trading day of a provider: Alpha Vantage's extended hours, 4:00 to 20:00 New York
 * (synthetic intraday has 7 h). Providers have no weekend bars.
 */
const TRADING_DAY_MS = 16 * 3_600_000;

/** At most how many bars a provider has for [from, to): weekdays times bars per trading day. */
function calendarBars(timeframe: Timeframe, from: number, to: number): number {
  const step = TIMEFRAME_MS[timeframe];
  if (step >= 7 * DAY_MS) return Math.ceil((to - from) / step);
  const weekdays = Math.ceil(((to - from) / DAY_MS) * (5 / 7));
  return weekdays * Math.max(1, Math.floor(TRADING_DAY_MS / step));
}

/**
 * How many bars a symbol brings into [from, to): a provider's from the calendar (an upper bound),
 * an imported one's from its cached bars spread evenly over their span, as nothing more can be
 * fetched for it.
 */
function estimateBars(
  info: SeriesInfo | null,
  timeframe: Timeframe,
  from: number,
  to: number,
): number {
  const calendar = calendarBars(timeframe, from, to);
  if (info === null || info.first === null || info.last === null) return calendar;
  const step = TIMEFRAME_MS[info.timeframe];
  const spanEnd = info.last + step;
  const overlap = Math.max(0, Math.min(to, spanEnd) - Math.max(from, info.first));
  const density = info.bars / Math.max(step, spanEnd - info.first);
  return Math.min(calendar, Math.ceil(overlap * density));
}

/**
 * What a worker would find out only after retries, refused at submit with a code and what to do:
 * an unknown source, an Alpha Vantage symbol without ALPHAVANTAGE_API_KEY, an imported symbol
 * nobody imported, and a run over its tier's limits (symbols, bars).
 * @returns the request with its symbols in their canonical spelling, its estimated bars, and
 * the data version of each symbol's cached series (see dataVersion).
 */
export async function checkMarketData(
  request: BacktestRequest,
  check: MarketDataCheck,
): Promise<{ request: BacktestRequest; bars: number; dataVersions: string[] }> {
  const { limits, tier } = check;
  if (request.symbols.length > limits.symbols) {
    throw createError('HS_ERR_LIMIT', {
      limit: 'symbols',
      max: limits.symbols,
      requested: request.symbols.length,
      tier,
    });
  }
  const parsed = normalizeSymbols(request.symbols);
  const from = parseIsoInstant(request.start)!;
  const to = endBound(request.end)!;
  let bars = 0;
  const dataVersions: string[] = [];
  for (const symbol of parsed) {
    const name = formatSymbol(symbol);
    if (!SOURCES.includes(symbol.source)) {
      throw unavailable(
        name,
        `unknown source '${symbol.source}'; use one of ${SOURCES.join(', ')}, or a bare name for an imported symbol`,
      );
    }
    if (symbol.source === 'alphavantage' && !check.alphaVantageConfigured) {
      throw unavailable(
        name,
        'Alpha Vantage is not configured; the operator must set ALPHAVANTAGE_API_KEY (free keys at alphavantage.co)',
      );
    }
    let info: SeriesInfo | null;
    if (symbol.source === IMPORTED_SOURCE) {
      info = await importedSeries(check.cache, symbol.name, request.timeframe);
      if (info === null) {
        throw unavailable(
          name,
          `it was never imported at ${request.timeframe} or finer; import it first: hindsight data import FILE.csv --symbol ${symbol.name}`,
        );
      }
    } else {
      info = await check.cache.info({
        source: symbol.source,
        symbol: symbol.name,
        timeframe: request.timeframe,
      });
    }
    dataVersions.push(dataVersion(name, info));
    bars += estimateBars(
      symbol.source === IMPORTED_SOURCE ? info : null,
      request.timeframe,
      from,
      to,
    );
  }
  if (bars > limits.bars) {
    throw createError('HS_ERR_LIMIT', { limit: 'bars', max: limits.bars, requested: bars, tier });
  }
  return { request: { ...request, symbols: parsed.map(formatSymbol) }, bars, dataVersions };
}
