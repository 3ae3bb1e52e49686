import { alignBars, type Bars } from '@hindsight/engine';
import type { SweepRecord } from '@hindsight/models';
import { requireBars } from './bar-source.js';
import type { WorkerDeps } from './deps.js';

export interface SweepBars {
  symbols: Array<{ symbol: string; bars: Bars }>;
  /**
   * What each symbol's bars were read from (bar-source.ts), for the cells' fingerprints: a cell
   * computed on other data is never reused. Null where the bars came from no settled version.
   */
  dataVersions: Array<string | null>;
}

/** The sweep's symbols, aligned on their common bars as a standalone backtest aligns them. */
export async function loadSweepBars(
  deps: WorkerDeps,
  record: SweepRecord,
  signal: AbortSignal | undefined,
): Promise<SweepBars> {
  const { config } = record;
  const loaded = await Promise.all(
    config.symbols.map(async (symbol) => {
      const request = { symbol, timeframe: config.timeframe, start: config.start, end: config.end };
      const { bars, dataVersion } = await deps.bars.load(request, signal);
      return { symbol, bars: requireBars(request, bars), dataVersion };
    }),
  );
  const aligned = alignBars(loaded.map(({ bars }) => bars));
  return {
    symbols: loaded.map(({ symbol }, i) => ({ symbol, bars: aligned[i]! })),
    dataVersions: loaded.map(({ dataVersion }) => dataVersion),
  };
}
