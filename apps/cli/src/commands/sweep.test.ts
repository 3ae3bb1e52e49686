import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planSweep, runWalkForward, sampleIndices } from '@hindsight/backtest';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import { getStrategy, simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import type { WalkForwardReport } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';

const GOOG = join(REPOSITORY_ROOT, 'fixtures/market-data/GOOG.csv');
/** backtesting.py 0.6.6's optimize() over the same grid (its commands are in the file). */
const oracle = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'fixtures/sweeps/goog-sma-optimize.json'), 'utf8'),
) as {
  bestBySharpeRatio: { fast: number; slow: number };
  cells: Array<{
    fast: number;
    slow: number;
    sharpeRatio: number;
    returnPct: number;
    trades: number;
  }>;
};

/** The grid GOOG_GRID gives, as planSweep takes it. */
const GRID = {
  fast: Array.from({ length: 10 }, (_, i) => 5 + 5 * i),
  slow: Array.from({ length: 20 }, (_, i) => 10 + 10 * i),
};

const GOOG_GRID = [
  '--data',
  GOOG,
  '--strategy',
  'sma_crossover',
  '--grid',
  'fast=5:50:5',
  '--grid',
  'slow=10:200:10',
  '--commission',
  '0.002',
  '--conventions',
  'backtesting.py',
];

async function run(command: typeof sweepCommand, argv: string[]) {
  return runInProcess(command, argv);
}

interface LocalSweep {
  combos: { total: number; done: number; skipped: number; failed: number };
  best: { params: Record<string, unknown> };
  leaderboard: Array<{
    rank: number;
    params: { fast: number; slow: number };
    deflatedSharpeRatio: number;
    probabilisticSharpeRatio: number;
  }>;
  overfitting: { trials: number; pbo: number; splits: number };
  results: Array<{
    index: number;
    params: { fast: number; slow: number };
    status: string;
    stats: { sharpeRatio: number; returnPct: number; trades: number } | null;
  }>;
}

describe('hindsight sweep on this machine', () => {
  it('the 175-combination GOOG grid on two threads: every cell and the ranking as optimize()', async () => {
    const result = await run(sweepCommand, [...GOOG_GRID, '--threads', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[##########\] 100% 175 combinations on 2 threads\n/);
    expect(result.stderr).toMatch(/175 backtests of 2148 bars in [\d.]+ s/);
    expect(result.stderr).toMatch(/statistics across 175 trials \(DSR, PSR, PBO\) in [\d.]+ s\n$/);
    const sweep = JSON.parse(result.stdout) as LocalSweep;
    expect(sweep.combos).toEqual({ total: 200, done: 200, skipped: 25, failed: 0 });
    expect(sweep.results.map((r) => r.index)).toEqual([...Array(200).keys()]);
    const completed = sweep.results.filter((r) => r.status === 'completed');
    expect(completed).toHaveLength(oracle.cells.length);
    for (const expected of oracle.cells) {
      const where = `fast=${expected.fast} slow=${expected.slow}`;
      const cell = completed.find(
        (c) => c.params.fast === expected.fast && c.params.slow === expected.slow,
      );
      expect(cell?.stats, where).toBeDefined();
      const stats = cell!.stats!;
      expect(stats.trades, where).toBe(expected.trades);
      expect(Math.abs(stats.returnPct - expected.returnPct), where).toBeLessThan(
        1e-9 * Math.abs(expected.returnPct),
      );
      expect(Math.abs(stats.sharpeRatio - expected.sharpeRatio), where).toBeLessThan(
        1e-9 * Math.abs(expected.sharpeRatio),
      );
    }
    const byOracle = [...oracle.cells].sort((a, b) => b.sharpeRatio - a.sharpeRatio);
    const { fast, slow } = oracle.bestBySharpeRatio;
    expect(sweep.best.params).toMatchObject({ fast, slow });
    expect(sweep.leaderboard.map((e) => `${e.params.fast}/${e.params.slow}`)).toEqual(
      byOracle.slice(0, 20).map((c) => `${c.fast}/${c.slow}`),
    );
    for (const entry of sweep.leaderboard) {
      expect(entry.deflatedSharpeRatio).toBeLessThan(entry.probabilisticSharpeRatio);
    }
    expect(sweep.overfitting).toMatchObject({ trials: 175, splits: 12_870 });

    // The best cell is what `hindsight run` prints for its parameters, to the last bit.
    const alone = await run(runCommand, [
      ...GOOG_GRID.filter((_, i) => i < 4 || i > 7),
      '--param',
      `fast=${fast}`,
      '--param',
      `slow=${slow}`,
      '--json',
      '--equity',
      'none',
    ]);
    expect(alone.code, alone.stderr).toBe(0);
    const best = completed.find((c) => c.params.fast === fast && c.params.slow === slow);
    expect(best?.stats).toEqual((JSON.parse(alone.stdout) as { stats: unknown }).stats);
  }, 120_000);

  it('prints the top 10 with DSR and PSR, then PBO; the same on one thread', async () => {
    const grid = [...GOOG_GRID.slice(0, 4), '--grid', 'fast=5,10', '--grid', 'slow=20:60:20'];
    const two = await run(sweepCommand, [...grid, '--threads', '2']);
    expect(two.code, two.stderr).toBe(0);
    const lines = two.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('6 combinations: 6 ran, 0 skipped, 0 failed');
    expect(lines[1]).toMatch(/^rank {2}sharpeRatio +DSR +PSR +params$/);
    expect(lines.slice(2, -1)).toHaveLength(6);
    expect(lines[2]).toMatch(/^ {3}1 {2}\S+ +\S+ +\S+ +fast=\d+ slow=\d+$/);
    expect(lines.at(-1)).toMatch(
      /^probability of backtest overfitting [\d.]+ over 12870 CSCV splits, 6 trials$/,
    );
    const one = await run(sweepCommand, [...grid, '--threads', '1']);
    expect(one.stdout).toBe(two.stdout);
  }, 60_000);

  it('--objective KEY:min ranks the smallest first', async () => {
    const result = await run(sweepCommand, [
      ...GOOG_GRID.slice(0, 4),
      '--grid',
      'fast=5,10',
      '--grid',
      'slow=20:60:20',
      '--objective',
      'volatilityAnnPct:min',
      '--threads',
      '1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const sweep = JSON.parse(result.stdout) as {
      objective: unknown;
      leaderboard: Array<{ stats: { volatilityAnnPct: number } }>;
    };
    expect(sweep.objective).toEqual({ key: 'volatilityAnnPct', direction: 'min' });
    const values = sweep.leaderboard.map((e) => e.stats.volatilityAnnPct);
    expect(values).toHaveLength(6);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  }, 60_000);

  it.each([
    [['--grid', 'fast=5:50'], '--grid fast=5:50: a range is start:stop:step, e.g. fast=5:50:5'],
    [['--grid', 'speed=1,2'], /^sma_crossover: .*speed/],
    [['--grid', 'fast=0,5'], /^sma_crossover: fast /],
    [
      ['--grid', 'fast=1:1000:1', '--grid', 'slow=1:100:1', '--grid', 'allowShort=true,false'],
      'the grid has 200,000 combinations, more than the 100,000 a sweep may run: narrow a --grid',
    ],
    [['--grid', 'fast=30', '--grid', 'slow=10,20'], /^the strategy refuses all 2 combinations/],
    [
      ['--grid', 'fast=5', '--objective', 'luck'],
      /^--objective: unknown statistic "luck" \(known: /,
    ],
    [['--grid', 'fast=5', '--objective', 'sharpeRatio:up'], /^--objective must be KEY/],
    [
      ['--grid', 'fast=5', '--threads', '0'],
      '--threads must be a whole number from 1 to 256, got "0"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward', '1'],
      '--walk-forward must be a whole number of folds from 2 to 20, got "1"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward', '21'],
      '--walk-forward must be a whole number of folds from 2 to 20, got "21"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward', '5', '--in-sample-fraction', '1'],
      '--in-sample-fraction must be above 0 and below 1, got "1"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward', '5', '--in-sample-fraction', '0'],
      '--in-sample-fraction must be above 0 and below 1, got "0"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward', '5', '--walk-forward-mode', 'sliding'],
      '--walk-forward-mode must be rolling or anchored, got "sliding"',
    ],
    [
      ['--grid', 'fast=5', '--walk-forward-mode', 'anchored'],
      '--walk-forward-mode and --in-sample-fraction need --walk-forward K',
    ],
    [
      // O = floor(2148 * 0.5 / 10.5) = 102, I = 108: too short for SMA(200) to warm up.
      ['--grid', 'slow=100,200', '--walk-forward', '20', '--in-sample-fraction', '0.5'],
      /^--walk-forward: \{.*"slow":200.*\} warms up over 200 bars, leaving no bar to trade in the first in-sample window of 108 bars: /,
    ],
    [
      ['--grid', 'fast=5', '--search', 'random', '--samples', '0'],
      '--samples must be a whole number from 1 to 1,000,000, got "0"',
    ],
    [
      ['--grid', 'fast=5', '--search', 'random', '--samples', '2.5'],
      '--samples must be a whole number from 1 to 1,000,000, got "2.5"',
    ],
    [['--grid', 'fast=5', '--search', 'random'], '--search random needs --samples N'],
    [
      ['--grid', 'fast=5', '--search', 'grid', '--samples', '3'],
      '--search must be random, got "grid"',
    ],
    [['--grid', 'fast=5', '--seed', '3'], '--samples and --seed need --search random'],
    [
      ['--grid', 'fast=5', '--search', 'random', '--samples', '3', '--seed', '4294967296'],
      '--seed must be a whole number from 0 to 4,294,967,295, got "4294967296"',
    ],
    [
      [
        '--grid',
        'fast=1:1000:1',
        '--grid',
        'slow=1:1000:1',
        '--search',
        'random',
        '--samples',
        '200000',
      ],
      '--samples 200000: more than the 100,000 combinations a sweep may run',
    ],
  ])('refuses %j in one line', async (extra, message) => {
    const result = await run(sweepCommand, [...GOOG_GRID.slice(0, 4), ...extra]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const [line, ...more] = result.stderr.split('\n');
    expect(more).toEqual(['']);
    expect(line!.startsWith('hindsight sweep: ')).toBe(true);
    const reason = line!.slice('hindsight sweep: '.length);
    if (typeof message === 'string') expect(reason).toBe(message);
    else expect(reason).toMatch(message);
  });

  it('refuses an unknown strategy, and a sweep without bars or grid, in one line', async () => {
    const unknown = await run(sweepCommand, [
      '--data',
      GOOG,
      '--strategy',
      'sma_cross',
      '--grid',
      'fast=5',
    ]);
    expect(unknown.stderr).toMatch(
      /^hindsight sweep: unknown strategy 'sma_cross' \(known: .*\)\n$/,
    );
    const noData = await run(sweepCommand, ['--strategy', 'sma_crossover', '--grid', 'fast=5']);
    expect(noData.stderr).toBe(
      'hindsight sweep: give exactly one of --data FILE.csv or --symbol NAME\n',
    );
    const noGrid = await run(sweepCommand, GOOG_GRID.slice(0, 4));
    expect(noGrid.stderr).toBe(
      'hindsight sweep: at least one --grid is required, e.g. fast=5:50:5\n',
    );
  });

  it('walk-forward too short for the data is one line', async () => {
    // The first 12 bars of GOOG: 5 folds of O = floor(12 * 0.25 / 2) = 1 bar.
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-sweep-'));
    const short = join(dir, 'GOOG-12.csv');
    writeFileSync(short, `${readFileSync(GOOG, 'utf8').split('\n').slice(0, 13).join('\n')}\n`);
    const result = await run(sweepCommand, [
      ...['--data', short, '--strategy', 'sma_crossover'],
      ...['--grid', 'fast=2,3', '--grid', 'slow=5', '--walk-forward', '5'],
    ]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'hindsight sweep: --walk-forward: 12 bars make 5 out-of-sample windows of 1 bars after an in-sample window of 7: each needs at least 2; use fewer folds or a longer range\n',
    });
  });
});

describe('hindsight sweep reads only the columns its combinations read', () => {
  /** A rules grid on the close alone (the simulation adds the open). */
  const CLOSE_ONLY = [
    ...[
      '--strategy',
      'rules',
      '--param',
      'entry=crosses_above(sma(close, $fast), sma(close, $slow))',
    ],
    ...['--param', 'exit=crosses_below(sma(close, $fast), sma(close, $slow))'],
    ...['--grid', 'fast=5,10', '--grid', 'slow=20,30', '--threads', '2'],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-sweep-columns-'));
  const rows = readFileSync(GOOG, 'utf8').trimEnd().split('\n');

  it('runs from a CSV without the volume (the one column the reader lets go), each cell as hindsight run on whole bars', async () => {
    const noVolume = join(dir, 'GOOG-no-volume.csv');
    writeFileSync(
      noVolume,
      `${rows.map((row) => row.split(',').slice(0, 5).join(',')).join('\n')}\n`,
    );
    const result = await run(sweepCommand, ['--data', noVolume, ...CLOSE_ONLY, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const sweep = JSON.parse(result.stdout) as {
      results: Array<{ params: Record<string, unknown>; status: string; stats: unknown }>;
    };
    expect(sweep.results.map((r) => r.status)).toEqual(Array(4).fill('completed'));
    for (const cell of sweep.results) {
      const alone = await run(runCommand, [
        ...['--data', GOOG, '--strategy', 'rules', '--json', '--equity', 'none'],
        ...Object.entries(cell.params).map(([key, value]) => `--param=${key}=${value}`),
      ]);
      expect(alone.code, alone.stderr).toBe(0);
      expect(cell.stats).toEqual((JSON.parse(alone.stdout) as { stats: unknown }).stats);
    }
  }, 60_000);

  it('still refuses a row whose volume, never read, breaks the reader rules', async () => {
    const badVolume = join(dir, 'GOOG-bad-volume.csv');
    const bad = rows.map((row, i) => (i === 100 ? row.replace(/,[^,]*$/, ',-5') : row));
    writeFileSync(badVolume, `${bad.join('\n')}\n`);
    const result = await run(sweepCommand, ['--data', badVolume, ...CLOSE_ONLY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight sweep: GOOG-bad-volume\.csv line 101: .*volume -5/);
  });
});

describe('hindsight sweep --walk-forward', async () => {
  const bars = await readCsvFile(GOOG);
  /** The library's walk-forward called directly on the same bars: what the worker runs. */
  const direct = (spec: {
    folds: number;
    mode: 'rolling' | 'anchored';
    inSampleFraction: number;
  }) =>
    runWalkForward({
      strategy: getStrategy('sma_crossover'),
      symbols: [{ symbol: 'GOOG', bars }],
      simulation: simulationConfig({ commission: 0.002, conventions: 'backtesting.py' }),
      combos: planSweep({ strategy: 'sma_crossover', params: {}, grid: GRID }).runnable,
      spec,
      objective: { key: 'sharpeRatio', direction: 'max' },
    });

  it('--json: the walkForward of runWalkForward on the GOOG grid, every statistic to the bit', async () => {
    const result = await run(sweepCommand, [
      ...GOOG_GRID,
      '--walk-forward',
      '5',
      '--threads',
      '2',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /\[##########\] 100% walk-forward: 175 combinations x 5 rolling in-sample windows on 2 threads\nwalk-forward: 875 in-sample backtests in [\d.]+ s\n/,
    );
    const local = (JSON.parse(result.stdout) as LocalSweep & { walkForward: WalkForwardReport })
      .walkForward;
    const expected = (await direct({ folds: 5, mode: 'rolling', inSampleFraction: 0.75 }))!;
    // JSON writes every finite double so that it reads back as the same double: equal after the
    // round trip is equal to the bit.
    expect(local).toStrictEqual(JSON.parse(JSON.stringify(expected)));
    for (const [key, value] of Object.entries(expected.stats)) {
      if (typeof value === 'number') {
        expect(Object.is(local.stats[key as keyof typeof local.stats], value), key).toBe(true);
      }
    }
    expect(local.folds.map((f) => f.params)).toEqual([
      { fast: 10, slow: 30, allowShort: false },
      { fast: 5, slow: 30, allowShort: false },
      { fast: 20, slow: 180, allowShort: false },
      { fast: 5, slow: 160, allowShort: false },
      { fast: 50, slow: 110, allowShort: false },
    ]);
  }, 180_000);

  it('prints each fold (dates, choice, in-sample objective, out-of-sample return), then the stitched statistics', async () => {
    const result = await run(sweepCommand, [
      ...GOOG_GRID,
      '--walk-forward',
      '4',
      '--walk-forward-mode',
      'anchored',
      '--in-sample-fraction',
      '0.6',
      '--threads',
      '2',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = (await direct({ folds: 4, mode: 'anchored', inSampleFraction: 0.6 }))!;
    const lines = result.stdout.trimEnd().split('\n');
    const header = lines.indexOf(
      `walk-forward, 4 anchored folds (${report.inSampleBars} in-sample, ${report.outOfSampleBars} out-of-sample bars):`,
    );
    expect(header, result.stdout).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(
      /^fold {2}in sample +out of sample +IS sharpeRatio +OOS sharpeRatio +OOS return % +params$/,
    );
    const number = (value: number | null) =>
      value === null ? '-' : String(Number(value.toPrecision(6)));
    report.folds.forEach((fold, i) => {
      const cells = lines[header + 2 + i]!.trim().split(/\s+/);
      expect(cells).toEqual([
        String(i),
        `${fold.inSample.start.slice(0, 10)}..${fold.inSample.end.slice(0, 10)}`,
        `${fold.outOfSample.start.slice(0, 10)}..${fold.outOfSample.end.slice(0, 10)}`,
        number(fold.inSampleObjective),
        number(fold.outOfSampleStats.sharpeRatio),
        number(fold.outOfSampleStats.returnPct),
        `fast=${fold.params.fast}`,
        `slow=${fold.params.slow}`,
      ]);
    });
    const { stats } = report;
    expect(lines[header + 6]).toBe(
      `stitched out of sample: return ${number(stats.returnPct)} %, CAGR ${number(stats.cagrPct)} %, max drawdown ${number(stats.maxDrawdownPct)} %, ${stats.trades} trades, sharpeRatio ${number(stats.sharpeRatio)}; walk-forward efficiency ${number(report.efficiency)}`,
    );
    expect(lines).toHaveLength(header + 7);
  }, 180_000);
});

describe('hindsight sweep --search random', () => {
  const SAMPLE = [
    ...GOOG_GRID,
    '--search',
    'random',
    '--samples',
    '30',
    '--json',
    '--threads',
    '2',
  ];

  it('draws the combinations the service planner draws; the printed seed draws them again', async () => {
    const drawn = await run(sweepCommand, SAMPLE);
    expect(drawn.code, drawn.stderr).toBe(0);
    const seed = Number(
      /^random search: 30 of 200 combinations, --seed (\d+)\n/.exec(drawn.stderr)?.[1],
    );
    expect(Number.isInteger(seed), drawn.stderr).toBe(true);
    const again = await run(sweepCommand, [...SAMPLE, '--seed', String(seed)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(drawn.stdout);

    const sweep = JSON.parse(again.stdout) as LocalSweep & { search: unknown };
    const search = { mode: 'random', samples: 30, seed } as const;
    expect(sweep.search).toEqual(search);
    const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: GRID, search });
    expect(sweep.results.map((r) => r.index)).toEqual(sampleIndices(200, 30, seed));
    expect(sweep.results.map((r) => [r.index, r.params, r.status])).toEqual(
      [
        ...plan.runnable.map((c) => [c.index, c.params, 'completed']),
        ...plan.skipped.map((c) => [c.index, c.params, 'skipped']),
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(sweep.combos).toEqual({ total: 30, done: 30, skipped: plan.skipped.length, failed: 0 });
  }, 180_000);

  it('a given seed gives the same sample on every run, another seed another', async () => {
    const seven = await run(sweepCommand, [...SAMPLE, '--seed', '7']);
    const eight = await run(sweepCommand, [...SAMPLE, '--seed', '8']);
    expect(seven.stderr).toContain('random search: 30 of 200 combinations, --seed 7\n');
    const indices = (out: string) => (JSON.parse(out) as LocalSweep).results.map((r) => r.index);
    expect(indices(seven.stdout)).toEqual(sampleIndices(200, 30, 7));
    expect(indices(eight.stdout)).toEqual(sampleIndices(200, 30, 8));
    expect(indices(eight.stdout)).not.toEqual(indices(seven.stdout));
  }, 180_000);
});
