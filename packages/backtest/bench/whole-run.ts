/**
 * Whole-backtest throughput and memory: runBacktest = strategy indicators and signals, the
 * simulation and every statistic, on synthetic daily bars of 10k, 100k and 1M; once with the
 * built-in sma_crossover and once with the same strategy written as rules (the rule language's
 * cost against a hand-fused built-in; target within 2x).
 *
 * Each size runs in a fresh child process so its peak memory can be read from the OS (maxRSS):
 * the child maps the bars from a file (so the baseline holds nothing but the input), then runs
 * the backtest repeatedly; peak RSS minus the RSS before the first run is what a run costs.
 *
 * Run: pnpm bench (or npx tsx --conditions=source packages/backtest/bench/whole-run.ts)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBars, type SimulationConfig, simulationConfig } from '@hindsight/engine';
import { syntheticBars } from '@hindsight/market-data';
import { runBacktest } from '../src/index.js';

const SIZES = [10_000, 100_000, 1_000_000];
/** V8 optimises the hot loops over the first few runs; steady state is measured after them. */
const WARMUP_RUNS = 5;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The same strategy twice: the built-in, and written in the rule language. */
const STRATEGIES = {
  sma_crossover: { strategy: 'sma_crossover', params: { fast: 10, slow: 30 } },
  rules: {
    strategy: 'rules',
    params: {
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: 10,
      slow: 30,
    },
  },
} as const;
type StrategyKey = keyof typeof STRATEGIES;

const config: SimulationConfig = simulationConfig({ commission: 0.001 });

interface ChildResult {
  bars: number;
  /** The first run in a fresh process: module code not yet optimised, memory not yet reused. */
  firstMs: number;
  /** Median after WARMUP_RUNS: what a long-running worker sees. */
  medianMs: number;
  barsPerSecond: number;
  trades: number;
  peakBytesPerBar: number;
}

function child(file: string, key: StrategyKey): void {
  const buffer = readFileSync(file);
  const length = buffer.byteLength / 8 / COLUMNS.length;
  const column = (i: number) =>
    new Float64Array(buffer.buffer, buffer.byteOffset + i * length * 8, length);
  const bars = createBars(Object.fromEntries(COLUMNS.map((name, i) => [name, column(i)])) as never);
  const rssBefore = process.memoryUsage().rss;
  const runs = WARMUP_RUNS + (length >= 1_000_000 ? 9 : 21);
  const times: number[] = [];
  let trades = 0;
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    const output = runBacktest({
      symbols: [{ symbol: 'BENCH', bars }],
      ...STRATEGIES[key],
      config,
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    trades = output.stats.trades;
  }
  const firstMs = times[0]!;
  const steady = times.slice(WARMUP_RUNS).sort((a, b) => a - b);
  const medianMs = steady[Math.floor(steady.length / 2)]!;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const result: ChildResult = {
    bars: length,
    firstMs,
    medianMs,
    barsPerSecond: length / (medianMs / 1000),
    trades,
    peakBytesPerBar: Math.max(0, peakRss - rssBefore) / length,
  };
  process.stdout.write(JSON.stringify(result));
}

function parent(): void {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-bench-'));
  const self = fileURLToPath(import.meta.url);
  try {
    console.log(
      `whole run (sma_crossover 10/30 indicators + simulation + all statistics) on one-minute bars: first run in a fresh process, and the median after ${WARMUP_RUNS} warm-up runs`,
    );
    console.log(
      'strategy       bars        first run   steady     bars/s (steady)  peak memory/bar   trades',
    );
    for (const size of SIZES) {
      const bars = syntheticBars('BENCH', {
        timeframe: '1m',
        start: Date.UTC(2020, 0, 1),
        count: size,
      });
      const file = join(dir, `bars-${size}.f64`);
      writeFileSync(
        file,
        Buffer.concat(
          COLUMNS.map((name) =>
            Buffer.from(bars[name].buffer, bars[name].byteOffset, bars[name].byteLength),
          ),
        ),
      );
      const steady: Partial<Record<StrategyKey, number>> = {};
      for (const key of Object.keys(STRATEGIES) as StrategyKey[]) {
        const out = execFileSync(
          process.execPath,
          [...process.execArgv, self, '--child', file, key],
          { encoding: 'utf8' },
        );
        const r = JSON.parse(out) as ChildResult;
        steady[key] = r.medianMs;
        console.log(
          `${key.padEnd(14)} ${String(r.bars).padEnd(11)} ${`${r.firstMs.toFixed(2)} ms`.padEnd(11)} ${`${r.medianMs.toFixed(2)} ms`.padEnd(10)} ${`${(r.barsPerSecond / 1e6).toFixed(1)} M`.padEnd(16)} ${`${r.peakBytesPerBar.toFixed(0)} B`.padEnd(17)} ${r.trades}`,
        );
      }
      console.log(
        `               rules / sma_crossover, steady: ${(steady.rules! / steady.sma_crossover!).toFixed(2)}x`,
      );
    }
    console.log(
      'targets: >= 20 M bars/s at 1M bars; <= 128 B of memory per bar; rules within 2x of the built-in',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex > 0) {
  child(process.argv[childIndex + 1]!, process.argv[childIndex + 2] as StrategyKey);
} else parent();
