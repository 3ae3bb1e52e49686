import {
  CONVENTIONS,
  DEFAULT_COMMISSION,
  type Sizing as EngineSizing,
  FILL_MODES,
  SYMBOL_PATTERN,
  TIMEFRAMES,
} from '@hindsight/engine';
import Value from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BacktestRequest, MAX_SYMBOLS, MarketSymbol, type Sizing } from './backtest-request.js';

/** A full submit body (the backtesting.py GOOG run), its fields as docs/api.md's body table names them. */
const FULL_EXAMPLE = {
  name: 'GOOG 10/30',
  tags: ['demo'],
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['GOOG'],
  timeframe: '1d',
  start: '2004-08-19',
  end: '2013-03-01',
  cash: 100000,
  commission: 0.001,
  slippageBps: 0,
  sizing: { mode: 'fraction', fraction: 1, wholeUnits: true },
  fill: 'next_open',
  finalizeTrades: false,
  conventions: 'backtesting.py',
  cache: true,
};

describe('BacktestRequest', () => {
  it('accepts the full example as it stands', () => {
    expect(Value.Check(BacktestRequest, { ...FULL_EXAMPLE, commissionFixed: 0 })).toBe(true);
  });

  it('fills defaults equal to the example but for the profile (hindsight by default)', () => {
    const minimal = {
      strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
      symbols: ['GOOG'],
      start: '2004-08-19',
      end: '2013-03-01',
    };
    const filled = Value.Default(BacktestRequest, structuredClone(minimal));
    const { name: _name, tags: _tags, ...exampleWithoutLabels } = FULL_EXAMPLE;
    expect(filled).toEqual({
      ...exampleWithoutLabels,
      tags: [],
      commissionFixed: 0,
      conventions: 'hindsight',
    });
    expect(Value.Check(BacktestRequest, filled)).toBe(true);
  });

  it('defaults strategy params to an empty object and commission to DEFAULT_COMMISSION', () => {
    const filled = Value.Default(BacktestRequest, {
      strategy: { name: 'buy_and_hold' },
      symbols: ['GOOG'],
      start: '2004-08-19',
      end: '2013-03-01',
    }) as BacktestRequest;
    expect(filled.strategy.params).toEqual({});
    // The CLI's `hindsight run` defaults to the same constant.
    expect(filled.commission).toBe(DEFAULT_COMMISSION);
  });

  it('takes its enumerations from the engine rather than repeating them', () => {
    expect(BacktestRequest.properties.conventions.enum).toEqual([...CONVENTIONS]);
    expect(BacktestRequest.properties.fill.enum).toEqual([...FILL_MODES]);
    expect(BacktestRequest.properties.timeframe.enum).toEqual([...TIMEFRAMES]);
  });

  it('takes up to MAX_SYMBOLS symbols', () => {
    const body = (count: number) => ({
      ...FULL_EXAMPLE,
      commissionFixed: 0,
      symbols: Array.from({ length: count }, (_, i) => `S${i}`),
    });
    expect(Value.Check(BacktestRequest, body(MAX_SYMBOLS))).toBe(true);
    expect(Value.Check(BacktestRequest, body(MAX_SYMBOLS + 1))).toBe(false);
  });

  it('derives a sizing type the engine accepts as it is', () => {
    expectTypeOf<Sizing>().toEqualTypeOf<EngineSizing>();
  });

  // What a symbol may be is listed and tested once, in @hindsight/engine's market.test.ts.
  it('takes the symbol grammar from the engine, Yahoo-style index and FX tickers included', () => {
    expect(MarketSymbol).toMatchObject({ pattern: SYMBOL_PATTERN });
    const request = (symbols: string[]) => ({
      ...FULL_EXAMPLE,
      commissionFixed: 0,
      symbols,
    });
    expect(Value.Check(BacktestRequest, request(['^GSPC', 'EURUSD=X', 'synthetic:DEMO']))).toBe(
      true,
    );
    expect(Value.Check(BacktestRequest, request(['.hidden']))).toBe(false);
  });
});
