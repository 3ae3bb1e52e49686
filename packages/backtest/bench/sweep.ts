/**
 * In-process sweep throughput: runSweepChunk (signals, simulation, every statistic and the trial
 * summary per combination) over an SMA grid on 2,000 synthetic daily bars, in 1, 2 and 4 processes
 * running at once, each on its own copy of the grid; backtests per second in all, and per process.
 *
 * Run: pnpm bench (or npx tsx --conditions=source packages/backtest/bench/sweep.ts)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getStrategy, type SimulationConfig, simulationConfig } from '@hindsight/engine';
import { syntheticBars } from '@hindsight/market-data';
import { planSweep, prepareSweepSymbols, runSweepChunk } from '../src/index.js';

const BARS = 2_000;
/**
 * Rounds of the whole grid (~520 combinations each) after one warm-up round. A worker process
 * lives on from chunk to chunk, so the steady state is the figure that matters: over 3 rounds
 * the first ones' optimisation and heap growth still showed (~15 % lower); 20 is past that.
 */
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

/**
 * Cells held at once: the worker writes a chunk's cells to the store 64 at a time
 * (CELLS_PER_WRITE, apps/worker/src/processors/sweeps.ts) and the CLI's threads hand back ~50
 * at 2,000 bars, so no process holds a whole grid's. Holding all ~520 of a round, as this bench
 * once did, made every young-generation collection copy them: ~15 % more CPU than a worker spends.
 */
const CELLS_HELD = 64;

const config: SimulationConfig = simulationConfig({ commission: 0.002 });

interface ChildResult {
  backtests: number;
  seconds: number;
  /** CPU time (user + system) of the timed rounds: what a shared machine's neighbours inflate least. */
  cpuSeconds: number;
}

function child(): void {
  const bars = syntheticBars('BENCH', {
    timeframe: '1d',
    start: Date.UTC(2015, 0, 1),
    count: BARS,
  });
  const plan = planSweep({
    strategy: 'sma_crossover',
    params: {},
    grid: { fast: range(2, 60, 2), slow: range(10, 200, 10) },
  });
  // As a worker's chunk job does: the bars prepared once, then the combinations run on them a
  // batch at a time, each batch's cells handed on (the worker writes them to the store) and let go.
  const run = () => {
    const prepared = prepareSweepSymbols([{ symbol: 'BENCH', bars }]);
    let cells = 0;
    for (let i = 0; i < plan.runnable.length; i += CELLS_HELD) {
      cells += runSweepChunk({
        strategy: getStrategy('sma_crossover'),
        bars: prepared,
        simulation: config,
        combos: plan.runnable.slice(i, i + CELLS_HELD),
      }).length;
    }
    return cells;
  };
  run(); // warm-up: V8 optimises the hot loops on the first round
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let backtests = 0;
  for (let r = 0; r < ROUNDS; r++) backtests += run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(JSON.stringify({ backtests, seconds, cpuSeconds } satisfies ChildResult));
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const exec = promisify(execFile);
  console.log(
    `sweep chunk throughput: sma_crossover grid on ${BARS} daily bars, signals + simulation + all statistics + trial summary per combination`,
  );
  console.log('processes   backtests/s (all)   backtests/s per process   per CPU-second');
  for (const processes of [1, 2, 4]) {
    const results = await Promise.all(
      Array.from({ length: processes }, () =>
        exec(process.execPath, [...process.execArgv, self, '--child'], { encoding: 'utf8' }),
      ),
    );
    const parsed = results.map((r) => JSON.parse(r.stdout) as ChildResult);
    const perProcess = parsed.map((r) => r.backtests / r.seconds);
    const total = perProcess.reduce((a, b) => a + b, 0);
    const perCpu =
      parsed.reduce((a, r) => a + r.backtests, 0) / parsed.reduce((a, r) => a + r.cpuSeconds, 0);
    console.log(
      `${String(processes).padEnd(11)} ${total.toFixed(0).padEnd(19)} ${(total / processes).toFixed(0).padEnd(25)} ${perCpu.toFixed(0)}`,
    );
  }
  console.log('target: >= 10,000 backtests/s per core');
}

if (process.argv.includes('--child')) child();
else await parent();
