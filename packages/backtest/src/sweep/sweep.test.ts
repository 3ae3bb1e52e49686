import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Bars,
  getStrategy,
  requireColumns,
  type SimulationConfig,
  STRATEGY_NAMES,
  StrategyParamsError,
  simulationConfig,
} from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { summarizeTrial } from '@hindsight/metrics';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../run-backtest.js';
import { comboAt, planSweep, sampleIndices, sweepColumns } from './grid.js';
import { prepareSweepSymbols, runSweepChunk, SWEEP_PARTITIONS } from './run-chunk.js';
import { rankCells, summarizeSweep } from './summarize.js';

const GOOG = fileURLToPath(new URL('../../../../fixtures/market-data/GOOG.csv', import.meta.url));
const oracle = JSON.parse(
  readFileSync(
    new URL('../../../../fixtures/sweeps/goog-sma-optimize.json', import.meta.url),
    'utf8',
  ),
) as {
  bestBySharpeRatio: { fast: number; slow: number; sharpeRatio: number };
  cells: Array<{
    fast: number;
    slow: number;
    sharpeRatio: number;
    returnPct: number;
    trades: number;
  }>;
};

const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
const GRID = { fast: range(5, 50, 5), slow: range(10, 200, 10) };

/** backtesting.py's defaults in the oracle: long only, cash 100,000, all-in whole units. */
const BTPY: SimulationConfig = simulationConfig({
  commission: 0.002,
  conventions: 'backtesting.py',
});

describe('planSweep', () => {
  it('expands the cross product, skipping and counting what the strategy refuses', () => {
    const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: GRID });
    expect(plan.total).toBe(200);
    expect(plan.runnable).toHaveLength(175);
    expect(plan.skipped).toHaveLength(25);
    expect(plan.skipped[0]).toMatchObject({ params: { fast: 10, slow: 10 }, reason: /< slow/ });
    // Resolved as a standalone backtest resolves them: defaults filled in.
    expect(plan.runnable[0]!.params).toEqual({ fast: 5, slow: 10, allowShort: false });
  });

  it('orders combinations as itertools.product over the sorted names', () => {
    expect(comboAt({ b: [1, 2], a: [3, 4, 5] }, 0)).toEqual({ a: 3, b: 1 });
    expect(comboAt({ b: [1, 2], a: [3, 4, 5] }, 1)).toEqual({ a: 3, b: 2 });
    expect(comboAt({ b: [1, 2], a: [3, 4, 5] }, 5)).toEqual({ a: 5, b: 2 });
  });

  it('refuses a value off the schema, as a backtest would', () => {
    expect(() =>
      planSweep({ strategy: 'sma_crossover', params: {}, grid: { fast: [0, 5], slow: [20] } }),
    ).toThrow(StrategyParamsError);
    expect(() =>
      planSweep({ strategy: 'sma_crossover', params: {}, grid: { speed: [1] } }),
    ).toThrow(StrategyParamsError);
  });

  it('samples a random search without repeats, the same for the same seed', () => {
    const a = sampleIndices(200, 30, 7);
    expect(new Set(a).size).toBe(30);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(a.every((i) => i >= 0 && i < 200)).toBe(true);
    expect(sampleIndices(200, 30, 7)).toEqual(a);
    expect(sampleIndices(200, 30, 8)).not.toEqual(a);
    expect(sampleIndices(5, 30, 7)).toEqual([0, 1, 2, 3, 4]);
    const plan = planSweep({
      strategy: 'sma_crossover',
      params: {},
      grid: GRID,
      search: { mode: 'random', samples: 30, seed: 7 },
    });
    expect(plan.total).toBe(30);
    expect(plan.runnable.length + plan.skipped.length).toBe(30);
  });
});

describe('a sweep on only the bar columns its combinations read (sweepColumns)', async () => {
  const whole = await readCsvFile(GOOG);
  const rules = getStrategy('rules');
  const simulation = simulationConfig();
  /** A rules grid whose exits read different columns: the close alone, or the volume too. */
  const plan = planSweep({
    strategy: 'rules',
    params: { entry: 'crosses_above(close, sma(close, $n))' },
    grid: { n: [10, 20], exit: ['close < sma(close, $n)', 'volume > 2 * sma(volume, $n)'] },
  });

  it("is the union of each combination's run columns: parameters may change them", () => {
    const exit = (expression: string) => plan.runnable.filter((c) => c.params.exit === expression);
    const columns = (combos: typeof plan.runnable) =>
      sweepColumns({ strategy: rules, simulation, combos });
    expect(columns(exit('close < sma(close, $n)'))).toEqual(['open', 'close']);
    expect(columns(exit('volume > 2 * sma(volume, $n)'))).toEqual(['open', 'close', 'volume']);
    expect(columns(plan.runnable)).toEqual(['open', 'close', 'volume']);
    const stops = simulationConfig({ stopLossPct: 5 });
    expect(
      sweepColumns({
        strategy: getStrategy('sma_crossover'),
        simulation: stops,
        combos: planSweep({ strategy: 'sma_crossover', params: {}, grid: { fast: [5] } }).runnable,
      }),
    ).toEqual(['open', 'high', 'low', 'close']);
  });

  it('every cell on those columns alone equals the cell on whole bars, bit for bit', async () => {
    const columns = sweepColumns({ strategy: rules, simulation, combos: plan.runnable });
    const bars = requireColumns(await readCsvFile(GOOG, { keep: columns }), columns);
    const cells = (on: typeof bars) =>
      runSweepChunk({
        strategy: rules,
        bars: prepareSweepSymbols([{ symbol: 'GOOG', bars: on }]),
        simulation,
        combos: plan.runnable,
      });
    const pruned = cells(bars);
    expect(pruned.map((c) => c.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    expect(pruned).toStrictEqual(cells(whole));
  });
});

describe('the 175-combination GOOG grid against backtesting.py optimize()', async () => {
  const bars = await readCsvFile(GOOG);
  const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: GRID });
  const cells = runSweepChunk({
    strategy: getStrategy('sma_crossover'),
    bars: prepareSweepSymbols([{ symbol: 'GOOG', bars }]),
    simulation: BTPY,
    combos: plan.runnable,
  });

  it('every cell: Sharpe, return and trades within 1e-9 of optimize()', () => {
    expect(cells).toHaveLength(oracle.cells.length);
    for (const expected of oracle.cells) {
      const cell = cells.find(
        (c) => c.params.fast === expected.fast && c.params.slow === expected.slow,
      );
      const where = `fast=${expected.fast} slow=${expected.slow}`;
      expect(cell?.status, where).toBe('completed');
      if (cell?.status !== 'completed') continue;
      expect(cell.stats.trades, where).toBe(expected.trades);
      expect(Math.abs(cell.stats.returnPct - expected.returnPct), where).toBeLessThan(
        1e-9 * Math.abs(expected.returnPct),
      );
      expect(Math.abs(cell.stats.sharpeRatio! - expected.sharpeRatio), where).toBeLessThan(
        1e-9 * Math.abs(expected.sharpeRatio),
      );
    }
  });

  it('ranks as optimize() does: the same best cell and the same order by Sharpe', () => {
    const ranked = rankCells(cells, { key: 'sharpeRatio', direction: 'max' });
    const { fast, slow } = oracle.bestBySharpeRatio;
    expect(ranked[0]!.params).toMatchObject({ fast, slow });
    const byOracle = [...oracle.cells].sort((a, b) => b.sharpeRatio - a.sharpeRatio);
    expect(ranked.map((c) => `${c.params.fast}/${c.params.slow}`)).toEqual(
      byOracle.map((c) => `${c.fast}/${c.slow}`),
    );
  });

  it('every cell equals a standalone backtest with its parameters, bit for bit', () => {
    for (const cell of cells) {
      const alone = runBacktest({
        symbols: [{ symbol: 'GOOG', bars }],
        strategy: 'sma_crossover',
        params: { fast: cell.params.fast, slow: cell.params.slow },
        config: BTPY,
      });
      expect(cell.status === 'completed' && cell.stats).toStrictEqual(alone.stats);
    }
  });

  it('summarises: leaderboard of 20 with DSR below PSR, PBO over 12,870 splits', () => {
    const summary = summarizeSweep(cells, { key: 'sharpeRatio', direction: 'max' });
    expect(summary.best?.params).toMatchObject({ fast: 10, slow: 20 });
    expect(summary.leaderboard).toHaveLength(20);
    expect(summary.leaderboard.map((e) => e.rank)).toEqual(range(1, 20, 1));
    for (const entry of summary.leaderboard) {
      expect(entry.deflatedSharpeRatio!).toBeLessThan(entry.probabilisticSharpeRatio!);
    }
    expect(summary.overfitting.trials).toBe(175);
    expect(summary.overfitting.splits).toBe(12_870);
    expect(summary.overfitting.pbo).toBeGreaterThanOrEqual(0);
    expect(summary.overfitting.pbo).toBeLessThanOrEqual(1);
    const byDrawdown = summarizeSweep(cells, { key: 'maxDrawdownPct', direction: 'min' });
    const worst = Math.min(
      ...cells.map((c) => (c.status === 'completed' ? c.stats.maxDrawdownPct : 0)),
    );
    expect(byDrawdown.best?.stats.maxDrawdownPct).toBe(worst);
  });

  it('a combination that fails fails alone, an abort stops the chunk', () => {
    const failing = runSweepChunk({
      strategy: getStrategy('sma_crossover'),
      bars: prepareSweepSymbols([{ symbol: 'GOOG', bars }]),
      simulation: { ...BTPY, commission: -1 },
      combos: plan.runnable.slice(0, 2),
    });
    expect(failing.map((c) => c.status)).toEqual(['failed', 'failed']);
    const controller = new AbortController();
    controller.abort();
    expect(() =>
      runSweepChunk({
        strategy: getStrategy('sma_crossover'),
        bars: prepareSweepSymbols([{ symbol: 'GOOG', bars }]),
        simulation: BTPY,
        combos: plan.runnable,
        signal: controller.signal,
      }),
    ).toThrow(/cancelled/);
  });
});

describe('cells on prepared bars (shared indicator series and market scan)', async () => {
  const goog = await readCsvFile(GOOG);
  // A second symbol on the same bars: GOOG's prices scaled by a factor that drifts bar by bar.
  const factor = (i: number) => 1 + 0.2 * Math.sin(i / 40);
  const scale = (column: Float64Array) => column.map((v, i) => v * factor(i));
  const other: Bars = {
    ...goog,
    open: scale(goog.open),
    high: scale(goog.high),
    low: scale(goog.low),
    close: scale(goog.close),
  };
  const portfolio = [
    { symbol: 'GOOG', bars: goog, weight: 0.7 },
    { symbol: 'OTHER', bars: other, weight: 0.3 },
  ];
  /** A grid over each strategy's first integer parameter: two values either side of its default. */
  const cases: Array<{
    name: string;
    params: Record<string, unknown>;
    grid: Record<string, number[]>;
  }> = STRATEGY_NAMES.filter((name) => name !== 'rules').map((name) => {
    const properties = getStrategy(name).params.properties as Record<
      string,
      { type?: string; default?: number }
    >;
    const [key, schema] = Object.entries(properties).find(([, p]) => p.type === 'integer') ?? [];
    const grid = key === undefined ? {} : { [key]: [schema!.default!, schema!.default! + 3] };
    return { name, params: {}, grid };
  });
  cases.push({
    name: 'rules',
    params: {
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
    },
    grid: { fast: [5, 10], slow: [20, 30] },
  });

  // backtesting.py runs one symbol; the hindsight profile a weighted portfolio.
  const setups = [
    { symbols: [{ symbol: 'GOOG', bars: goog }], simulation: BTPY },
    { symbols: portfolio, simulation: simulationConfig({ commission: 0.001 }) },
  ];
  it.each(
    cases.flatMap((c) => setups.map((setup) => ({ ...c, ...setup, size: setup.symbols.length }))),
  )('$name on $size symbol(s): every cell and trial equal a standalone run, bit for bit', (c) => {
    const plan = planSweep({ strategy: c.name, params: c.params, grid: c.grid });
    const strategy = getStrategy(c.name);
    const cells = runSweepChunk({
      strategy,
      bars: prepareSweepSymbols(c.symbols),
      simulation: c.simulation,
      // Twice over: the second pass reads every series from the memo.
      combos: [...plan.runnable, ...plan.runnable],
    });
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      const alone = runBacktest({
        symbols: c.symbols,
        strategy: c.name,
        params: cell.params,
        config: c.simulation,
      });
      expect(cell.status).toBe('completed');
      if (cell.status !== 'completed') continue;
      expect(cell.stats).toStrictEqual(alone.stats);
      expect(cell.trial).toStrictEqual(summarizeTrial(alone.simulation.equity, SWEEP_PARTITIONS));
    }
  });
});
