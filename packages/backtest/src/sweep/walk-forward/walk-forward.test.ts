import { fileURLToPath } from 'node:url';
import {
  type Bars,
  createBars,
  getStrategy,
  resolveParams,
  type SimulationConfig,
  STRATEGY_NAMES,
  type StrategyDefinition,
  simulationConfig,
  sliceBars,
  sliceSignals,
} from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { runBacktest, runPrepared } from '../../run-backtest.js';
import { planSweep } from '../grid.js';
import { prepareSweepSymbols, runSweepChunk } from '../run-chunk.js';
import { rankCells } from '../summarize.js';
import {
  checkWalkForward,
  runWalkForward,
  scoreInSample,
  WalkForwardError,
  walkForwardEfficiency,
} from './walk-forward.js';
import { barsPerCombination, walkForwardWindows } from './windows.js';

const GOOG = fileURLToPath(
  new URL('../../../../../fixtures/market-data/GOOG.csv', import.meta.url),
);
const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
const GRID = { fast: range(5, 50, 5), slow: range(10, 200, 10) };
const BTPY: SimulationConfig = simulationConfig({
  commission: 0.002,
  conventions: 'backtesting.py',
});
const SHARPE = { key: 'sharpeRatio', direction: 'max' } as const;
const DAY_MS = 86_400_000;

describe('walkForwardWindows', () => {
  it('cuts 2,148 bars into 5 rolling folds of 808 in-sample and 268 out-of-sample bars', () => {
    const w = walkForwardWindows(2148, { folds: 5, mode: 'rolling', inSampleFraction: 0.75 });
    // O = floor(2148 * 0.25 / (0.75 + 5 * 0.25)) = floor(268.5); I = 2148 - 5 * 268.
    expect(w.outOfSampleBars).toBe(268);
    expect(w.inSampleBars).toBe(808);
    expect(w.folds.map((f) => [f.inSample.from, f.inSample.to, f.outOfSample.to])).toEqual([
      [0, 808, 1076],
      [268, 1076, 1344],
      [536, 1344, 1612],
      [804, 1612, 1880],
      [1072, 1880, 2148],
    ]);
  });

  it('anchored: in-sample from bar 0, out-of-sample windows the same as rolling', () => {
    const spec = { folds: 4, inSampleFraction: 0.5 } as const;
    const rolling = walkForwardWindows(100, { ...spec, mode: 'rolling' });
    const anchored = walkForwardWindows(100, { ...spec, mode: 'anchored' });
    // O = floor(100 * 0.5 / (0.5 + 4 * 0.5)) = 20, I = 100 - 80 = 20.
    expect(anchored.folds.map((f) => [f.inSample.from, f.inSample.to])).toEqual([
      [0, 20],
      [0, 40],
      [0, 60],
      [0, 80],
    ]);
    expect(anchored.folds.map((f) => f.outOfSample)).toEqual(
      rolling.folds.map((f) => f.outOfSample),
    );
    expect(rolling.folds.map((f) => [f.inSample.from, f.inSample.to])).toEqual([
      [0, 20],
      [20, 40],
      [40, 60],
      [60, 80],
    ]);
  });

  it('tiles the bars after the first in-sample window, each window sized by the fraction', () => {
    for (const bars of [50, 251, 1000, 2148, 99_999]) {
      for (const folds of [2, 3, 7, 20]) {
        for (const inSampleFraction of [0.1, 0.5, 0.7, 0.8, 0.95]) {
          const where = `N=${bars} k=${folds} f=${inSampleFraction}`;
          let w: ReturnType<typeof walkForwardWindows>;
          try {
            w = walkForwardWindows(bars, { folds, mode: 'rolling', inSampleFraction });
          } catch (error) {
            expect(error, where).toBeInstanceOf(RangeError);
            continue;
          }
          const { inSampleBars: i, outOfSampleBars: o } = w;
          expect(i + folds * o, where).toBe(bars);
          expect(w.folds.at(-1)!.outOfSample.to, where).toBe(bars);
          for (const f of w.folds) {
            expect(f.inSample.to, where).toBe(f.outOfSample.from);
            expect(f.inSample.to - f.inSample.from, where).toBe(i);
            expect(f.outOfSample.to - f.outOfSample.from, where).toBe(o);
          }
          // O is the largest that fits: one more bar per out-of-sample window would need more
          // than N bars at fraction f, so the in-sample window is within one fold's O of I*.
          const ideal = (o * inSampleFraction) / (1 - inSampleFraction);
          expect(i, where).toBeGreaterThanOrEqual(Math.floor(ideal));
          expect(i, where).toBeLessThan(
            ideal + folds + inSampleFraction / (1 - inSampleFraction) + 1,
          );
        }
      }
    }
  });

  it('refuses fewer than 2 folds, a fraction outside (0, 1), windows under 2 bars', () => {
    const ok = { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } as const;
    expect(() => walkForwardWindows(1000, { ...ok, folds: 1 })).toThrow(/folds must be >= 2/);
    expect(() => walkForwardWindows(1000, { ...ok, inSampleFraction: 0 })).toThrow(/\(0, 1\)/);
    expect(() => walkForwardWindows(1000, { ...ok, inSampleFraction: 1 })).toThrow(/\(0, 1\)/);
    // O = floor(15 * 0.25 / 2) = 1.
    expect(() => walkForwardWindows(15, ok)).toThrow(/windows of 1 bars/);
  });

  it('counts the bars a combination simulates: its whole run and every in-sample window', () => {
    const rolling = { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } as const;
    expect(barsPerCombination(2148)).toBe(2148);
    // 5 rolling windows of 808 bars.
    expect(barsPerCombination(2148, rolling)).toBe(2148 + 5 * 808);
    // Anchored: 808, 808 + 268, ... 808 + 4 * 268.
    expect(barsPerCombination(2148, { ...rolling, mode: 'anchored' })).toBe(
      2148 + 5 * 808 + (0 + 1 + 2 + 3 + 4) * 268,
    );
    // Windows too short to exist: the sweep fails before it runs, so nothing is added.
    expect(barsPerCombination(15, rolling)).toBe(15);
  });
});

describe('walkForwardEfficiency', () => {
  it('is the out-of-sample CAGR over the mean in-sample CAGR', () => {
    expect(walkForwardEfficiency(6, [10, 20, 30])).toBe(0.3);
    expect(walkForwardEfficiency(-4, [8, 8])).toBe(-0.5);
  });
  it('is null when a CAGR is undefined or the in-sample mean is not positive', () => {
    expect(walkForwardEfficiency(null, [10])).toBeNull();
    expect(walkForwardEfficiency(5, [10, null])).toBeNull();
    expect(walkForwardEfficiency(5, [10, -10])).toBeNull();
    expect(walkForwardEfficiency(5, [])).toBeNull();
  });
});

describe('signals are causal: on a prefix of the bars they are the full signals sliced', async () => {
  const bars = await readCsvFile(GOOG);
  // rules has no default expressions: one reading MACD, an EMA crossing and the bar's own range.
  const RULES = {
    entry: 'crosses_above(ema(close, $fast), ema(close, $slow)) and macd(close, 12, 26, 9) > 0',
    exit: 'close < open or rsi(close, 14) > 70',
    fast: 8,
    slow: 40,
  };
  it.each(STRATEGY_NAMES)('%s', (name) => {
    const strategy: StrategyDefinition = getStrategy(name);
    const params = resolveParams(name, name === 'rules' ? RULES : {}) as Record<string, unknown>;
    const full = strategy.signals(bars, params);
    for (const end of [300, 1076, 1612]) {
      const prefix = strategy.signals(sliceBars(bars, 0, end), params);
      expect(sliceSignals(full, 0, end), `${name} up to ${end}`).toStrictEqual(prefix);
    }
  });
});

/** Compound annual growth from an equity curve's ends, as statistics.md defines cagrPct. */
function cagrPct(time: Float64Array, equity: Float64Array): number {
  const years = (time[time.length - 1]! - time[0]!) / DAY_MS / 365.25;
  return ((equity[equity.length - 1]! / equity[0]!) ** (1 / years) - 1) * 100;
}

/**
 * A window run computed independently of runWalkForward: signals on the bars up to the window's
 * end only (never on later bars), then a standalone run over the window's bars.
 */
function alone(bars: Bars, params: Record<string, unknown>, from: number, to: number) {
  const strategy: StrategyDefinition = getStrategy('sma_crossover');
  const signals = strategy.signals(sliceBars(bars, 0, to), params);
  return runPrepared({ strategy, params, simulation: BTPY }, [
    { symbol: 'GOOG', bars: sliceBars(bars, from, to), signals: sliceSignals(signals, from, to) },
  ]);
}

describe('runWalkForward on the 175-combination GOOG grid', async () => {
  const bars = await readCsvFile(GOOG);
  const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: GRID });
  const input = {
    strategy: getStrategy('sma_crossover'),
    symbols: [{ symbol: 'GOOG', bars }],
    simulation: BTPY,
    combos: plan.runnable,
    objective: SHARPE,
  };
  const rolling = (await runWalkForward({
    ...input,
    spec: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 },
  }))!;
  const anchored = (await runWalkForward({
    ...input,
    spec: { folds: 5, mode: 'anchored', inSampleFraction: 0.75 },
  }))!;

  it('anchored: each fold chooses the best of a standalone sweep over its in-sample bars, bit for bit', () => {
    for (const fold of anchored.folds) {
      const isBars = sliceBars(bars, 0, fold.inSample.lastBar + 1);
      const cells = runSweepChunk({
        strategy: input.strategy,
        bars: prepareSweepSymbols([{ symbol: 'GOOG', bars: isBars }]),
        simulation: BTPY,
        combos: plan.runnable,
      });
      const best = rankCells(cells, SHARPE)[0]!;
      expect(fold.params, `fold ${fold.fold}`).toEqual(best.params);
      expect(fold.inSampleStats).toStrictEqual(best.stats);
      expect(fold.inSampleObjective).toBe(best.stats.sharpeRatio);
      expect(fold.candidates).toBe(rankCells(cells, SHARPE).length);
    }
  });

  it('rolling: fold 0 learns from bars 0..807 alone; later folds from windows that slide', () => {
    const first = rolling.folds[0]!;
    const alone0 = runBacktest({
      symbols: [{ symbol: 'GOOG', bars: sliceBars(bars, 0, 808) }],
      strategy: 'sma_crossover',
      params: first.params,
      config: BTPY,
    });
    expect(first.inSampleStats).toStrictEqual(alone0.stats);
    expect(rolling.folds.map((f) => [f.inSample.firstBar, f.inSample.lastBar])).toEqual([
      [0, 807],
      [268, 1075],
      [536, 1343],
      [804, 1611],
      [1072, 1879],
    ]);
    expect(rolling.folds[1]!.inSample.start).toBe(new Date(bars.time[268]!).toISOString());
  });

  it('each fold out of sample equals a run over its window whose signals saw only the bars before its end', () => {
    for (const report of [rolling, anchored]) {
      for (const fold of report.folds) {
        const { firstBar, lastBar } = fold.outOfSample;
        const expected = alone(bars, fold.params, firstBar, lastBar + 1);
        expect(fold.outOfSampleStats, `${report.mode} fold ${fold.fold}`).toStrictEqual(
          expected.stats,
        );
        const inSample = alone(
          bars,
          fold.params,
          fold.inSample.firstBar,
          fold.inSample.lastBar + 1,
        );
        expect(fold.inSampleStats).toStrictEqual(inSample.stats);
      }
    }
  });

  it('stitches the out-of-sample equity: each window starts where the one before ended', () => {
    const { equity, time } = rolling.equity;
    expect(rolling.equity.points).toBe(5 * 268);
    expect(rolling.equity.downsampled).toBe(false);
    expect(time[0]).toBe(bars.time[808]);
    expect(time.at(-1)).toBe(bars.time[2147]);
    let level = BTPY.cash;
    rolling.folds.forEach((fold, i) => {
      const run = alone(bars, fold.params, fold.outOfSample.firstBar, fold.outOfSample.lastBar + 1);
      const curve = run.simulation.equity;
      for (let t = 0; t < curve.length; t++) {
        const expected = i === 0 ? curve[t]! : level * (curve[t]! / BTPY.cash);
        expect(equity[i * 268 + t]).toBe(expected);
      }
      // Flat across the seam: no trade fills before a window's second bar.
      if (i > 0) expect(equity[i * 268]).toBe(equity[i * 268 - 1]);
      level = equity[i * 268 + 267]!;
    });
    expect(rolling.stats.equityFinal).toBe(equity.at(-1));
    expect(rolling.stats.returnPct).toBeCloseTo((equity.at(-1)! / BTPY.cash - 1) * 100, 9);
    const growth = rolling.folds.reduce((g, f) => g * (1 + f.outOfSampleStats.returnPct / 100), 1);
    expect(equity.at(-1)! / BTPY.cash).toBeCloseTo(growth, 12);
  });

  it('walk-forward efficiency: stitched CAGR over the mean in-sample CAGR, computed from the curves', () => {
    for (const report of [rolling, anchored]) {
      const isCagr = report.folds.map((fold) => {
        const from = fold.inSample.firstBar;
        const to = fold.inSample.lastBar + 1;
        return cagrPct(
          bars.time.subarray(from, to),
          alone(bars, fold.params, from, to).simulation.equity,
        );
      });
      const oosCagr = cagrPct(
        Float64Array.from(report.equity.time),
        Float64Array.from(report.equity.equity),
      );
      const expected = oosCagr / (isCagr.reduce((a, b) => a + b, 0) / isCagr.length);
      expect(Math.abs(report.efficiency! - expected), report.mode).toBeLessThan(
        1e-12 * Math.abs(expected),
      );
      report.folds.forEach((fold, i) => {
        const oos = fold.outOfSampleStats.cagrPct!;
        expect(fold.efficiency).toBeCloseTo(oos / isCagr[i]!, 12);
      });
    }
  });

  it('two symbols: each fold out of sample equals the two-symbol run over its window', async () => {
    // A second series on the same dates: GOOG's bars reversed in price order, so it trades apart.
    const mirror = createBars({
      time: bars.time,
      open: bars.open.slice().reverse(),
      high: bars.high.slice().reverse(),
      low: bars.low.slice().reverse(),
      close: bars.close.slice().reverse(),
      volume: bars.volume.slice().reverse(),
    });
    const symbols = [
      { symbol: 'GOOG', bars },
      { symbol: 'MIRROR', bars: mirror },
    ];
    const simulation = simulationConfig({ commission: 0.001 });
    const report = (await runWalkForward({
      ...input,
      symbols,
      simulation,
      spec: { folds: 3, mode: 'anchored', inSampleFraction: 0.6 },
    }))!;
    const strategy: StrategyDefinition = getStrategy('sma_crossover');
    for (const fold of report.folds) {
      const to = fold.outOfSample.lastBar + 1;
      const from = fold.outOfSample.firstBar;
      const run = runPrepared(
        { strategy, params: fold.params, simulation },
        symbols.map((s) => ({
          symbol: s.symbol,
          bars: sliceBars(s.bars, from, to),
          signals: sliceSignals(strategy.signals(sliceBars(s.bars, 0, to), fold.params), from, to),
        })),
      );
      expect(fold.outOfSampleStats, `fold ${fold.fold}`).toStrictEqual(run.stats);
    }
    expect(report.stats.trades).toBe(
      report.folds.reduce((n, f) => n + f.outOfSampleStats.trades, 0),
    );
  });

  it('from scores computed elsewhere (sweep chunks, one combination at a time on their prepared bars) the report is the same, bit for bit', async () => {
    const spec = { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } as const;
    // Two chunks, each with the bars it prepared for its cells; the JSON the store keeps between.
    const half = Math.ceil(input.combos.length / 2);
    const chunks = [input.combos.slice(0, half), input.combos.slice(half)];
    const scored = chunks.flatMap((combos) => {
      const prepared = prepareSweepSymbols(input.symbols);
      const scoring = {
        ...input,
        symbols: prepared.symbols,
        indicators: prepared.symbols.map((s) => s.indicators),
        spec,
        key: SHARPE.key,
      };
      return combos.map((combo) => {
        const values = scoreInSample(scoring, [combo]).map((f) =>
          Number.isNaN(f[0]!) ? null : f[0]!,
        );
        return JSON.parse(JSON.stringify(values)) as Array<number | null>;
      });
    });
    let pauses = 0;
    const pause = async () => {
      pauses++;
      return true;
    };
    expect(await runWalkForward({ ...input, spec, scored, pause })).toEqual(rolling);
    expect(pauses, 'nothing left to score, no batch to pause after').toBe(0);
    // Those without scores (cells written before cells carried them) are scored here.
    const some = scored.map((values, c) => (c % 3 === 0 ? undefined : values));
    expect(await runWalkForward({ ...input, spec, scored: some, pause })).toEqual(rolling);
    expect(pauses).toBe(2);
  });

  it('refuses a warm-up longer than the first in-sample window, and stops when paused off', async () => {
    const short = { ...input, symbols: [{ symbol: 'GOOG', bars: sliceBars(bars, 0, 300) }] };
    // O = floor(300 * 0.25 / 2) = 37, I = 300 - 185 = 115: SMA(200) cannot warm up.
    await expect(
      runWalkForward({ ...short, spec: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } }),
    ).rejects.toThrow(WalkForwardError);
    await expect(
      runWalkForward({ ...short, spec: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } }),
    ).rejects.toThrow(/first in-sample window of 115 bars/);
    // The check before any run says the same, naming the warm-up on the whole range, not the
    // window's length (on its 115 bars alone SMA(200) is never defined).
    const spec = { folds: 5, mode: 'rolling', inSampleFraction: 0.75 } as const;
    const slowest = input.combos.filter((c) => c.params.slow === 200);
    expect(() => checkWalkForward({ ...short, combos: slowest, spec })).toThrow(
      /"slow":200.*\} warms up over 200 bars, leaving no bar to trade in the first in-sample window of 115 bars/,
    );
    const tiny = { ...input, symbols: [{ symbol: 'GOOG', bars: sliceBars(bars, 0, 150) }] };
    expect(() => checkWalkForward({ ...tiny, combos: slowest, spec })).toThrow(
      /needs more than the range's 150 bars to warm up/,
    );
    await expect(
      runWalkForward({
        ...input,
        symbols: [{ symbol: 'GOOG', bars: sliceBars(bars, 0, 15) }],
        spec: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 },
      }),
    ).rejects.toThrow(/each needs at least 2/);
    const stopped = await runWalkForward({
      ...input,
      spec: { folds: 2, mode: 'rolling', inSampleFraction: 0.5 },
      pause: async () => false,
    });
    expect(stopped).toBeNull();
  });
});
