import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import { describe, expect, it } from 'vitest';
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
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await command(argv, { stdout, stderr, env: {} });
  return { code, stdout: out, stderr: err };
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
});
