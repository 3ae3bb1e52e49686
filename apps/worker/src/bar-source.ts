import type { Bars } from '@hindsight/engine';
import { endBound, parseIsoInstant, type Timeframe } from '@hindsight/models';
import { BacktestInputError } from './failure.js';

/** The bars one job needs: a symbol at a timeframe over the request's dates. */
export interface BarRequest {
  symbol: string;
  timeframe: Timeframe;
  start: string;
  end: string;
}

/** Bars as loaded, with the identity of the data they were read from. */
interface LoadedBars {
  bars: Bars;
  /**
   * The series, span and cache version the bars were read from (`synthetic:DEMO|1d|from|to@v3`):
   * a version never changes once published, so equal text means equal bars - the key anything
   * derived from them (indicator series) is cached under. Null when the bars were not read from
   * one settled version (fetched just now, or the cache moved on meanwhile).
   */
  dataVersion: string | null;
}

/** Where the worker's bars come from: the market-data cache, filled from providers on demand. */
export interface BarSource {
  load(request: BarRequest, signal?: AbortSignal): Promise<LoadedBars>;
  close(): Promise<void>;
}

/** The request's dates as a half-open span [from, to) of epoch milliseconds; `end` is inclusive. */
export function requestRange(start: string, end: string): { from: number; to: number } {
  const from = parseIsoInstant(start);
  const to = endBound(end);
  if (from === null || to === null) {
    throw new BacktestInputError(`'${start}'..'${end}' is not a valid date range`);
  }
  return { from, to };
}

/** The bars, or a clear failure when the range holds none. */
export function requireBars(request: BarRequest, bars: Bars): Bars {
  if (bars.length === 0) {
    throw new BacktestInputError(
      `no ${request.timeframe} bars for ${request.symbol} between ${request.start} and ${request.end}`,
      'HS_ERR_SYMBOL_NOT_FOUND',
    );
  }
  return bars;
}
