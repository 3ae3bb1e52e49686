/**
 * When does the indicators step pay for a job of its own? Per strategy and bar count, the
 * simulation's indicator work three ways (medians of repeated runs, in this process):
 *
 *   inline  - the strategy computes its series itself (what a simulation run alone does)
 *   job     - the indicators job's work: compute each series and store it in the cache
 *   hit     - the simulation's work once they are stored: read the files, signals from them
 *
 * A job of its own saves the simulation `inline - hit` per run on those bars (every later run,
 * too), and costs the job's fixed overhead in the service (a BullMQ job, a store read, a progress
 * event: see docs/architecture.md for that figure) plus `job`. Printed, never asserted.
 *
 * Run: node --import tsx --conditions=source apps/worker/bench/indicators.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarsIndicators, computeSeries, getStrategy, resolveParams } from '@hindsight/engine';
import { syntheticBars } from '@hindsight/market-data';
import { IndicatorCache } from '../src/indicator-cache.js';

const SIZES = [2_000, 20_000, 200_000, 1_000_000];
const STRATEGIES: readonly string[] = [
  'sma_crossover',
  'rsi_mean_reversion',
  'volume_zone_breakout',
];

async function median(runs: number, run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const root = mkdtempSync(join(tmpdir(), 'hindsight-indicators-bench-'));
try {
  const cache = new IndicatorCache(root);
  console.log('strategy              bars        inline ms   job ms      hit ms');
  for (const size of SIZES) {
    const bars = syntheticBars('BENCH', {
      timeframe: '1m',
      start: Date.UTC(2000, 0, 3),
      count: size,
    });
    const runs = size >= 1_000_000 ? 7 : size >= 200_000 ? 15 : 101;
    for (const name of STRATEGIES) {
      const strategy = getStrategy(name);
      const params = resolveParams(name, {});
      const specs = strategy.indicators(params);
      let version = 0;
      const inline = await median(runs, () => strategy.signals(bars, params));
      // Each run a fresh data version, so every one computes and writes.
      const job = await median(runs, () =>
        cache.ensure(`bench@v${++version}`, specs, bars.length, (spec) =>
          computeSeries(bars, spec),
        ),
      );
      const stored = `bench@v${version}`;
      const hit = await median(runs, async () => {
        const found = await cache.stored(stored, specs, bars.length);
        return strategy.signals(bars, params, new BarsIndicators(bars, found));
      });
      console.log(
        `${name.padEnd(22)}${String(bars.length).padEnd(12)}${inline.toFixed(3).padEnd(12)}${job
          .toFixed(3)
          .padEnd(12)}${hit.toFixed(3)}`,
      );
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
