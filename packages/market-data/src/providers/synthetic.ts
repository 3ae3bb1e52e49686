import type { Bars, Timeframe } from '@hindsight/engine';
import { syntheticBars } from '../bars/synthetic.js';
import { ALL_TIME, type TimeRange } from '../time/ranges.js';
import { DAY_MS } from '../time/timeframes.js';
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

/**
 * Days of intraday bars generated between two looks at the event loop and the cancel signal: a
 * month of minute bars takes milliseconds, ten years of them seconds.
 */
const CHUNK_DAYS = 30;

function concatBars(parts: readonly Bars[]): Bars {
  if (parts.length === 1) return parts[0] as Bars;
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const columns = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  const out = Object.fromEntries(columns.map((c) => [c, new Float64Array(length)])) as Record<
    (typeof columns)[number],
    Float64Array
  >;
  let offset = 0;
  for (const part of parts) {
    for (const column of columns) out[column].set(part[column], offset);
    offset += part.length;
  }
  return { length, ...out };
}

/**
 * `synthetic:NAME`: the deterministic series of `syntheticBars`, for any range. Intraday ranges
 * are generated a month at a time - any range of the series is a slice of one endless series, so
 * the pieces fit exactly - yielding to the event loop in between, so a worker generating years
 * of minute bars still hears a cancel and stops within milliseconds.
 */
export class SyntheticProvider implements Provider {
  readonly source = 'synthetic';

  defaultRange(timeframe: Timeframe): TimeRange {
    return DEFAULT_RANGES[timeframe];
  }

  async fetch(request: FetchRequest): Promise<Bars> {
    const { symbol, timeframe, range, signal } = request;
    const intraday = timeframe !== '1d' && timeframe !== '1w';
    if (!intraday || !Number.isFinite(range.to) || !Number.isFinite(range.from)) {
      return syntheticBars(symbol, { timeframe, start: range.from, end: range.to });
    }
    const parts: Bars[] = [];
    for (let start = range.from; start < range.to; ) {
      signal?.throwIfAborted();
      const end = Math.min(range.to, (Math.floor(start / DAY_MS) + CHUNK_DAYS) * DAY_MS);
      parts.push(syntheticBars(symbol, { timeframe, start, end }));
      start = end;
      await new Promise((resolve) => setImmediate(resolve));
    }
    signal?.throwIfAborted();
    return concatBars(
      parts.length > 0
        ? parts
        : [syntheticBars(symbol, { timeframe, start: range.from, end: range.to })],
    );
  }

  settledBefore(): number {
    return ALL_TIME.to;
  }
}
