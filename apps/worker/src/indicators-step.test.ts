import { stat, writeFile } from 'node:fs/promises';
import { runBacktest } from '@hindsight/backtest';
import { computeSeries, type SeriesSpec } from '@hindsight/engine';
import { backtestJobIds, toSimulationConfig } from '@hindsight/models';
import { readTaskArtifact } from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from '../test/harness.js';

const startHarness = useHarness();

const SYMBOL = 'synthetic:IND';
const REQUEST = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: [SYMBOL],
  timeframe: '1d' as const,
  start: '2015-01-01',
  end: '2020-12-31',
  // Every run simulates: none answers from an earlier result with the same fingerprint.
  cache: false,
};
const FAST: SeriesSpec = { name: 'sma', params: { period: 10 } };
const SLOW: SeriesSpec = { name: 'sma', params: { period: 30 } };

async function indicatorsJobResult(harness: Harness, backtestId: string) {
  const job = await harness.queues.queues.indicators.getJob(
    backtestJobIds.indicators(backtestId, SYMBOL),
  );
  return job?.returnvalue as { computed: number; reused: number } | undefined;
}

/** The run's equity curve as bytes, to compare bit for bit (NaN and -0 included). */
async function equityBytes(harness: Harness, backtestId: string): Promise<Buffer> {
  const equity = await readTaskArtifact(harness.config.DATA_ROOT, backtestId, 'equity');
  return Buffer.from(Float64Array.from(equity?.equity ?? []).buffer);
}

async function completed(harness: Harness, backtestId: string) {
  // A fresh worker's first simulation starts a thread that loads its modules: seconds on a busy host.
  const record = await waitForTerminal(harness.store, backtestId, 50_000);
  expect(record.status, JSON.stringify(record.error)).toBe('completed');
  return record;
}

/** Every run is "long" here: its series are stored and read (see INDICATORS_JOB_MIN_BARS). */
const LONG_RUNS = { env: { INDICATORS_JOB_MIN_BARS: '1' } };

describe('the indicators step', { timeout: 180_000 }, () => {
  it('computes each series once, a second run on the same bars reuses it, and results equal the inline path', async () => {
    const harness = await startHarness(LONG_RUNS);
    const first = await harness.submit(REQUEST);
    await completed(harness, first.id);
    expect(await indicatorsJobResult(harness, first.id)).toMatchObject({ computed: 2, reused: 0 });

    const loaded = await harness.running.deps.bars.load({ ...REQUEST, symbol: SYMBOL });
    expect(loaded.dataVersion).toMatch(/^synthetic:IND\|1d\|\d+\|\d+@v\d+$/);
    const dataVersion = loaded.dataVersion!;
    const cache = harness.running.deps.indicators;
    const paths = [FAST, SLOW].map((spec) => cache.pathOf(dataVersion, spec));
    const before = await Promise.all(paths.map((path) => stat(path)));
    for (const [i, spec] of [FAST, SLOW].entries()) {
      const stored = await cache.read(dataVersion, spec, loaded.bars.length);
      const expected = computeSeries(loaded.bars, spec);
      expect(Buffer.from(stored!.buffer).equals(Buffer.from(expected.buffer)), paths[i]).toBe(true);
    }

    // The same bars again, through an indicators job of its own: both series are found.
    const second = await harness.submit(REQUEST, {}, { barsCached: true, indicatorsJob: true });
    await completed(harness, second.id);
    expect(await indicatorsJobResult(harness, second.id)).toMatchObject({
      computed: 0,
      reused: 2,
    });
    const after = await Promise.all(paths.map((path) => stat(path)));
    // Reads stamp the mtime (for cleanup); a rewrite would rename a new file into place.
    expect(
      after.map((s) => s.ino),
      'not rewritten',
    ).toEqual(before.map((s) => s.ino));

    // And a third run with the simulation alone, computing nothing ahead (the small-run path).
    const third = await harness.submit(REQUEST, {}, { barsCached: true });
    await completed(harness, third.id);
    expect(await indicatorsJobResult(harness, third.id)).toBeUndefined();

    const inline = runBacktest({
      symbols: [{ symbol: SYMBOL, bars: loaded.bars }],
      strategy: 'sma_crossover',
      params: REQUEST.strategy.params,
      config: toSimulationConfig(first.config),
    });
    const expected = Buffer.from(inline.simulation.equity.buffer);
    for (const run of [first, second, third]) {
      expect((await equityBytes(harness, run.id)).equals(expected), run.id).toBe(true);
    }
  });

  it('the simulation reads the stored series rather than computing them, for long runs only', async () => {
    const harness = await startHarness(LONG_RUNS);
    const first = await harness.submit(REQUEST);
    const done = await completed(harness, first.id);
    expect(done.summary?.trades).toBeGreaterThan(0);
    const loaded = await harness.running.deps.bars.load({ ...REQUEST, symbol: SYMBOL });
    const cache = harness.running.deps.indicators;
    // The stored fast average replaced by the slow one: two equal lines never cross.
    const slow = computeSeries(loaded.bars, SLOW);
    await writeFile(cache.pathOf(loaded.dataVersion!, FAST), new Uint8Array(slow.buffer));

    const again = await harness.submit(REQUEST, {}, { barsCached: true });
    const record = await completed(harness, again.id);
    expect(record.summary?.trades).toBe(0);
  });
});
