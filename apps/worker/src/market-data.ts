import {
  createProviders,
  loadBars,
  MarketDataCache,
  parseSymbol,
  type SeriesKey,
} from '@hindsight/market-data';
import type { Config } from '@hindsight/service';
import { type BarSource, requestRange } from './bar-source.js';
import { BarsMemo } from './bars-memo.js';

/**
 * The worker's bars from @hindsight/market-data: the cache under DATA_ROOT/market-data, filled
 * on demand from the symbol's provider (imported CSV/Parquet, synthetic, Alpha Vantage). Several
 * worker processes and threads may share the cache; it is built for concurrent writers.
 *
 * A request answered wholly from the cache is remembered with the series version it came from;
 * the same request again, while that version is still the newest, is answered from memory. Such
 * an answer carries its data version (see LoadedBars).
 */
export async function openBarSource(config: Config, memo = new BarsMemo()): Promise<BarSource> {
  const cache = new MarketDataCache({ dataRoot: config.DATA_ROOT });
  const providers = createProviders({
    alphaVantage: {
      ...(config.ALPHAVANTAGE_API_KEY === undefined ? {} : { apiKey: config.ALPHAVANTAGE_API_KEY }),
      callsPerMinute: config.ALPHAVANTAGE_CALLS_PER_MINUTE,
    },
  });
  const versionOf = async (key: SeriesKey) => (await cache.info(key))?.version ?? null;
  return {
    async load(request, signal) {
      const { from, to } = requestRange(request.start, request.end);
      const parsed = parseSymbol(request.symbol);
      const key: SeriesKey = {
        source: parsed.source,
        symbol: parsed.name,
        timeframe: request.timeframe,
      };
      const memoKey = `${parsed.source}:${parsed.name}|${request.timeframe}|${from}|${to}`;
      const before = await versionOf(key);
      const remembered = memo.get(memoKey, before);
      if (remembered) return { bars: remembered, dataVersion: `${memoKey}@v${before}` };
      const loaded = await loadBars({
        cache,
        providers,
        symbol: request.symbol,
        timeframe: request.timeframe,
        from,
        to,
        ...(signal === undefined ? {} : { signal }),
      });
      // Only an answer read from one version, with nothing fetched (a fetch may leave recent,
      // unsettled bars to fetch again next time), stands for that version.
      if (loaded.fromCache && before !== null && (await versionOf(key)) === before) {
        memo.set(memoKey, before, loaded.bars);
        return { bars: loaded.bars, dataVersion: `${memoKey}@v${before}` };
      }
      return { bars: loaded.bars, dataVersion: null };
    },
    close: () => cache.close(),
  };
}
