import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import {
  type BarColumn,
  type Bars,
  createBars,
  type PartialBars,
  requireColumns,
  sliceBars,
} from '../bars.js';
import type { Signals } from '../signals.js';
import { strategyColumns } from './columns.js';
import { getStrategy, resolveParams } from './registry.js';
import { BarsIndicators, computeSeries, type IndicatorProvider, seriesKey } from './series.js';

const goog = loadBars('GOOG');

/**
 * Each strategy with the parameters tried, the warm-up its indicators imply (docs/conventions.md)
 * and the bar columns it reads with them (strategyColumns).
 */
const runs: {
  name: string;
  params: Record<string, unknown>;
  warmup: number;
  columns: BarColumn[];
}[] = [
  { name: 'buy_and_hold', params: {}, warmup: 0, columns: [] },
  { name: 'sma_crossover', params: {}, warmup: 29, columns: ['close'] },
  {
    name: 'sma_crossover',
    params: { fast: 5, slow: 20, allowShort: true },
    warmup: 19,
    columns: ['close'],
  },
  { name: 'ema_crossover', params: {}, warmup: 25, columns: ['close'] },
  { name: 'ema_crossover', params: { allowShort: true }, warmup: 25, columns: ['close'] },
  { name: 'rsi_mean_reversion', params: {}, warmup: 14, columns: ['close'] },
  { name: 'bollinger_reversion', params: {}, warmup: 19, columns: ['close'] },
  { name: 'macd_crossover', params: {}, warmup: 33, columns: ['close'] },
  { name: 'macd_crossover', params: { allowShort: true }, warmup: 33, columns: ['close'] },
  { name: 'donchian_breakout', params: {}, warmup: 20, columns: ['high', 'low', 'close'] },
  {
    name: 'donchian_breakout',
    params: { allowShort: true, exitPeriod: 30 },
    warmup: 30,
    columns: ['high', 'low', 'close'],
  },
  {
    name: 'volume_zone_breakout',
    params: {},
    warmup: 50,
    columns: ['high', 'low', 'close', 'volume'],
  },
  {
    name: 'volume_zone_breakout',
    params: { breakoutBuffer: 0.01, exitWindow: 60 },
    warmup: 60,
    columns: ['high', 'low', 'close', 'volume'],
  },
  {
    name: 'rules',
    params: {
      entry: 'crosses_above(ema(close, $fast), sma(close, 30)) and rsi(close, 14)[1] < 70',
      exit: 'close < lowest(low, 10)[1] or atr(14) > 2 * atr(14)[5]',
      shortEntry: 'crosses_below(macd(close, 12, 26, 9), macd_signal(close, 12, 26, 9))',
      shortExit: 'close > bbands_upper(close, 20, 2)',
      fast: 10,
    },
    // macd_signal(12, 26, 9) is first defined at 26 + 9 - 2.
    warmup: 33,
    // atr's high, low and close; lowest(low, ...).
    columns: ['high', 'low', 'close'],
  },
  // Programs reading other columns: each must declare exactly those it reads.
  {
    name: 'rules',
    params: {
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: 10,
      slow: 30,
    },
    warmup: 29,
    columns: ['close'],
  },
  {
    name: 'rules',
    params: {
      entry: 'open > sma(open, 5) and open[1] < sma(open, 5)[1]',
      exit: 'open < sma(open, 20)',
    },
    warmup: 19,
    columns: ['open'],
  },
  {
    name: 'rules',
    params: {
      entry: 'close > highest(high, 20)[1] and volume > sma(volume, 20)',
      // vwap reads high, low, close and volume; obv close and volume; stoch_d high, low, close.
      exit: 'low < lowest(low, 10)[1] or (vwap(20) > close and obv() < sma(obv(), 10)) or stoch_d(14, 3) < 20',
    },
    warmup: 20,
    columns: ['high', 'low', 'close', 'volume'],
  },
];

const COLUMNS = ['enterLong', 'exitLong', 'enterShort', 'exitShort'] as const;

function run(name: string, params: Record<string, unknown>, bars: Bars): Signals {
  return getStrategy(name).signals(bars, resolveParams(name, params));
}

/** The same bars up to `cut`, and different ones after it (prices x1.5, volumes x3). */
function changedAfter(bars: Bars, cut: number): Bars {
  const scale = (column: Float64Array, factor: number) =>
    column.map((value, i) => (i > cut ? value * factor : value));
  return createBars({
    time: bars.time,
    open: scale(bars.open, 1.5),
    high: scale(bars.high, 1.5),
    low: scale(bars.low, 1.5),
    close: scale(bars.close, 1.5),
    volume: scale(bars.volume, 3),
  });
}

describe.each(runs)('strategy contract: $name $params', ({ name, params, warmup, columns }) => {
  const full = run(name, params, goog);

  it('has one 0/1 flag per bar in every column, none before its warm-up', () => {
    expect(full.warmup).toBe(warmup);
    for (const column of COLUMNS) {
      const flags = full[column];
      expect(flags.length, column).toBe(goog.length);
      expect(
        flags.every((flag) => flag === 0 || flag === 1),
        `${column} holds only 0 and 1`,
      ).toBe(true);
      expect(
        flags.subarray(0, warmup).every((flag) => flag === 0),
        `${column} before warm-up`,
      ).toBe(true);
    }
  });

  it('decides at bar i from bars 0..i only', () => {
    for (const cut of [warmup, warmup + 1, warmup + 7, 300, 1000, goog.length - 2]) {
      const prefix = run(name, params, sliceBars(goog, 0, cut + 1));
      const changed = run(name, params, changedAfter(goog, cut));
      for (const column of COLUMNS) {
        const expected = Array.from(full[column].subarray(0, cut + 1));
        expect(Array.from(prefix[column]), `${column} on bars 0..${cut}`).toEqual(expected);
        expect(
          Array.from(changed[column].subarray(0, cut + 1)),
          `${column}, bars after ${cut} changed`,
        ).toEqual(expected);
      }
      expect(prefix.warmup, `warm-up on bars 0..${cut}`).toBe(Math.min(warmup, cut + 1));
    }
  });

  it('reads only the series it declares, and gives the same signals from precomputed ones', () => {
    const strategy = getStrategy(name);
    const resolved = resolveParams(name, params);
    const declared = strategy.indicators(resolved);
    // Each declared series as a cache hands it back: its bytes copied into a new array.
    const stored = declared.map(
      (spec) => [spec, new Float64Array(computeSeries(goog, spec).slice().buffer)] as const,
    );
    const given = new BarsIndicators(goog, stored);
    const read: string[] = [];
    const strict: IndicatorProvider = {
      series(spec) {
        read.push(seriesKey(spec));
        return given.series(spec);
      },
    };
    const viaProvider = strategy.signals(goog, resolved, strict);
    expect(given.computed, 'every series read was precomputed').toBe(0);
    expect(new Set(read)).toEqual(new Set(declared.map(seriesKey)));
    expect(viaProvider.warmup).toBe(full.warmup);
    for (const column of COLUMNS) {
      expect(Buffer.from(viaProvider[column]).equals(Buffer.from(full[column])), column).toBe(true);
    }
    // And a provider with nothing precomputed computes each declared series once.
    const empty = new BarsIndicators(goog);
    strategy.signals(goog, resolved, empty);
    expect(empty.computed).toBe(new Set(declared.map(seriesKey)).size);
  });

  it('reads no bar column it does not declare: on those alone, the same signals', () => {
    const strategy = getStrategy(name);
    const resolved = resolveParams(name, params);
    expect(strategyColumns(strategy, resolved), 'the columns declared').toEqual(columns);
    const only: PartialBars = { length: goog.length, time: goog.time };
    for (const column of columns) Object.assign(only, { [column]: goog[column] });
    // A column read but not declared is absent: reading it throws rather than passing.
    const pruned = strategy.signals(requireColumns(only, columns), resolved);
    expect(pruned.warmup).toBe(full.warmup);
    for (const column of COLUMNS) {
      expect(Buffer.from(pruned[column]).equals(Buffer.from(full[column])), column).toBe(true);
    }
  });

  it('signals at least one entry on GOOG, so the checks above see real decisions', () => {
    expect(full.enterLong.some((flag) => flag === 1)).toBe(true);
  });
});
