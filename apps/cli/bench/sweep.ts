/**
 * `hindsight sweep` as users run it, built from the current sources: an SMA grid of about 5,000
 * combinations on 2,000 daily bars (signals, simulation, every statistic and the trial summary
 * per combination, then DSR/PSR and PBO), on 1, 2 and 4 worker threads, alternately. Reports the
 * command's own figures (backtests/s from the threads' start to the last cell: start-up of the
 * threads included, reading the CSV not; then the time of the statistics across the trials, on
 * one thread) and the whole process's wall time. Threads beyond the
 * cores the machine has free add nothing; os.availableParallelism() is printed beside them.
 *
 * Run: pnpm bench (or npx tsx --conditions=source apps/cli/bench/sweep.ts); RUNS=N repeats.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticBars } from '@hindsight/market-data';
import { buildCli } from '../scripts/build.js';

const RUNS = Number(process.env.RUNS ?? 3);
const BARS = 2_000;
const THREADS = [1, 2, 4];
const GRID = ['--grid', 'fast=2:60:1', '--grid', 'slow=10:200:2'];

function writeCsv(path: string): void {
  const bars = syntheticBars('BENCH', {
    timeframe: '1d',
    start: Date.UTC(2015, 0, 1),
    count: BARS,
  });
  let text = 'Date,Open,High,Low,Close,Volume\n';
  for (let i = 0; i < bars.length; i++) {
    const day = new Date(bars.time[i]!).toISOString().slice(0, 10);
    text += `${day},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}\n`;
  }
  writeFileSync(path, text);
}

interface Measured {
  backtests: number;
  perSecond: number;
  /** DSR, PSR and PBO over every trial, after the threads: one thread, whatever --threads says. */
  statisticsMs: number;
  wallMs: number;
}

function sweep(entry: string, csv: string, threads: number): Measured {
  const argv = [entry, 'sweep', '--data', csv, '--strategy', 'sma_crossover', ...GRID];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...argv, '--threads', String(threads), '--json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`hindsight sweep failed:\n${result.stderr}`);
  const figure = /(\d+) backtests of \d+ bars in [\d.]+ s \((\d+)\/s\)/.exec(result.stderr);
  const statistics = /statistics across \d+ trials \(DSR, PSR, PBO\) in ([\d.]+) s/.exec(
    result.stderr,
  );
  if (!figure || !statistics) throw new Error(`no timing lines in:\n${result.stderr}`);
  return {
    backtests: Number(figure[1]),
    perSecond: Number(figure[2]),
    statisticsMs: Number(statistics[1]) * 1000,
    wallMs,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'hindsight-sweep-bench-'));
try {
  const entry = await buildCli(join(dir, 'dist'));
  const csv = join(dir, 'bench-1d.csv');
  writeCsv(csv);
  const runs = new Map<number, Measured[]>(THREADS.map((t) => [t, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const threads of THREADS) runs.get(threads)!.push(sweep(entry, csv, threads));
  }
  const backtests = runs.get(1)![0]!.backtests;
  console.log(
    `hindsight sweep: ${backtests} SMA combinations on ${BARS} daily bars, median of ${RUNS} alternate runs; ${availableParallelism()} cores available (shared with whatever else runs)`,
  );
  console.log('threads     backtests/s (all)   per thread   DSR/PSR/PBO   whole process');
  for (const threads of THREADS) {
    const measured = runs.get(threads)!;
    const perSecond = median(measured.map((m) => m.perSecond));
    const wall = median(measured.map((m) => m.wallMs));
    const statistics = median(measured.map((m) => m.statisticsMs));
    console.log(
      `${String(threads).padEnd(11)} ${perSecond.toFixed(0).padEnd(19)} ${(perSecond / threads).toFixed(0).padEnd(12)} ${`${(statistics / 1000).toFixed(2)} s`.padEnd(13)} ${(wall / 1000).toFixed(2)} s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
