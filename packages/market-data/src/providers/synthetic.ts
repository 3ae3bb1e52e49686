import type { Bars, Timeframe } from '@hindsight/engine';
import { ALL_TIME, type TimeRange } from '../ranges.js';
import { syntheticBars } from '../synthetic.js';
import type { FetchRequest, Provider } from './provider.js';

/** What `synthetic:NAME` loads when no range is named: fixed, so every machine gets one series. */
const DEFAULT_RANGES: Readonly<Record<Timeframe, TimeRange>> = {
  '1m': { from: Date.UTC(2024, 11, 1), to: Date.UTC(2025, 0, 1) },
  '5m': { from: Date.UTC(2024, 9, 1), to: Date.UTC(2025, 0, 1) },
  '15m': { from: Date.UTC(2024, 6, 1), to: Date.UTC(2025, 0, 1) },
  '1h': { from: Date.UTC(2024, 0, 1), to: Date.UTC(2025, 0, 1) },
  '1d': { from: Date.UTC(2015, 0, 1), to: Date.UTC(2025, 0, 1) },
  '1w': { from: Date.UTC(2005, 0, 1), to: Date.UTC(2025, 0, 1) },
};

/** `synthetic:NAME`: the deterministic series of `syntheticBars`, for any range. */
export class SyntheticProvider implements Provider {
  readonly source = 'synthetic';

  defaultRange(timeframe: Timeframe): TimeRange {
    return DEFAULT_RANGES[timeframe];
  }

  async fetch(request: FetchRequest): Promise<Bars> {
    return syntheticBars(request.symbol, {
      timeframe: request.timeframe,
      start: request.range.from,
      end: request.range.to,
    });
  }

  settledBefore(): number {
    return ALL_TIME.to;
  }
}
