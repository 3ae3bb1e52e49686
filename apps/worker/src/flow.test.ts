import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runBacktest } from '@hindsight/backtest';
import { toSimulationConfig } from '@hindsight/models';
import {
  ARTIFACT_FILES,
  BarsCachedHints,
  readTaskArtifact,
  redisKeys,
  taskDir,
  toTradeRecord,
} from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from '../test/harness.js';

const startHarness = useHarness();
let harness: Harness;

const REQUEST = {
  name: 'demo',
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['synthetic:DEMO'],
  timeframe: '1d',
  start: '2015-01-01',
  end: '2020-12-31',
  cash: 100_000,
  commission: 0.001,
};

describe('a backtest flow', { timeout: 60_000 }, () => {
  it('runs to completed, writes the artifacts and announces every step in order', async () => {
    harness = await startHarness();
    const record = await harness.submit(REQUEST);
    const watch = harness.watch(record.id);
    const events = await watch.terminal;
    const done = await waitForTerminal(harness.store, record.id);

    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.progress).toBe(1);
    expect(done.attempts).toBe(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('completed');
    expect(events[0]).toMatchObject({ type: 'status', data: { status: 'running', step: 'data' } });
    const steps = events.flatMap((e) => (e.type === 'progress' ? [e.data.step] : []));
    expect([...new Set(steps)]).toEqual(['data', 'indicators', 'simulation', 'saving']);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.data.progress] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // The same bars through runBacktest directly: the worker must store exactly its numbers.
    const { bars } = await harness.running.deps.bars.load({
      symbol: 'synthetic:DEMO',
      timeframe: '1d',
      start: REQUEST.start,
      end: REQUEST.end,
    });
    const expected = runBacktest({
      symbols: [{ symbol: 'synthetic:DEMO', bars }],
      strategy: 'sma_crossover',
      params: { fast: 10, slow: 30 },
      config: toSimulationConfig(done.config),
    });
    expect(done.summary).toEqual({
      returnPct: expected.stats.returnPct,
      sharpeRatio: expected.stats.sharpeRatio,
      maxDrawdownPct: expected.stats.maxDrawdownPct,
      trades: expected.stats.trades,
      winRatePct: expected.stats.winRatePct,
      equityFinal: expected.stats.equityFinal,
    });
    const completed = events.at(-1);
    expect(completed?.type === 'completed' && completed.data.summary).toEqual(done.summary);

    const root = harness.config.DATA_ROOT;
    // A short run: its indicators are computed inline, none stored (INDICATORS_JOB_MIN_BARS).
    expect(existsSync(join(root, 'indicators'))).toBe(false);
    const manifest = await readTaskArtifact(root, record.id, 'manifest');
    expect(manifest).toMatchObject({
      id: record.id,
      ownerId: 'alice',
      fingerprint: record.fingerprint,
      params: { fast: 10, slow: 30, allowShort: false },
      data: [{ symbol: 'synthetic:DEMO', bars: bars.length }],
      reusedFrom: null,
    });
    const equity = await readTaskArtifact(root, record.id, 'equity');
    expect(equity?.equity).toEqual(expected.simulation.equity);
    expect(Math.min(...(equity?.drawdownPct ?? []))).toBeCloseTo(expected.stats.maxDrawdownPct, 10);
    const stored = await readFile(join(taskDir(root, record.id), ARTIFACT_FILES.trades), 'utf8');
    expect(JSON.parse(stored), 'trades as records: ISO times, returnPct in percent').toEqual({
      trades: expected.simulation.trades.map(toTradeRecord),
      openTrades: expected.simulation.openTrades.map(toTradeRecord),
    });
    expect(expected.simulation.trades).toHaveLength(expected.stats.trades);
    const stats = await readTaskArtifact(root, record.id, 'stats');
    expect(stats?.sharpeRatio).toEqual(expected.stats.sharpeRatio);
    // Counted against alice's disk limit: the bytes of every file of the result.
    const files = await readdir(taskDir(root, record.id));
    const sizes = await Promise.all(files.map((f) => stat(join(taskDir(root, record.id), f))));
    const counted = await harness.redis.hget(
      redisKeys.userDisk(harness.config.QUEUE_PREFIX, 'alice'),
      record.id,
    );
    expect(Number(counted)).toBe(sizes.reduce((sum, s) => sum + s.size, 0));

    const logs = await harness.store.getLogs(record.id, { limit: 100 });
    expect(logs.map((line) => line.message)).toEqual([
      expect.stringMatching(/^synthetic:DEMO: \d+ 1d bars from 2015-01-01T/),
      expect.stringMatching(/^simulated \d+ bars: return -?\d+\.\d\d%, \d+ trades$/),
    ]);
    const logEvents = events.filter((e) => e.type === 'log');
    expect(logEvents.map((e) => e.data)).toEqual(logs);

    // One job per queue, and the finished backtest counted once, without a notification job.
    const metrics = harness.running.metrics.registry;
    await expect
      .poll(async () => await metrics.getSingleMetricAsString('backtest_total'))
      .toMatch(/^backtest_total\{status="completed",strategy="sma_crossover",.*\} 1$/m);
    const notifications = await harness.queues.queues.notifications.getJobCounts();
    expect(Object.values(notifications).reduce((a, b) => a + b, 0)).toBe(0);
    for (const queue of ['market-data', 'indicators', 'simulation']) {
      await expect
        .poll(() => metrics.getSingleMetricAsString('worker_jobs_total'))
        .toMatch(
          new RegExp(`^worker_jobs_total\\{queue="${queue}",outcome="completed",.*\\} 1$`, 'm'),
        );
    }
  });

  it('runs a portfolio of several symbols on their common timeline', async () => {
    harness = await startHarness();
    const record = await harness.submit({
      ...REQUEST,
      symbols: ['synthetic:AAA', 'synthetic:BBB', 'synthetic:CCC'],
      // The backtesting.py profile runs exactly one symbol.
      conventions: 'hindsight',
    });
    const done = await waitForTerminal(harness.store, record.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const manifest = await readTaskArtifact(harness.config.DATA_ROOT, record.id, 'manifest');
    expect(manifest?.data.map((d) => d.symbol)).toEqual([
      'synthetic:AAA',
      'synthetic:BBB',
      'synthetic:CCC',
    ]);
  });

  it('answers a second identical backtest from the first result, unless cache is false', async () => {
    harness = await startHarness();
    const first = await harness.submit(REQUEST);
    const firstDone = await waitForTerminal(harness.store, first.id);
    const second = await harness.submit({ ...REQUEST, name: 'again' }, { ownerId: 'bob' });
    const watch = harness.watch(second.id);
    const events = await watch.terminal;
    const secondDone = await waitForTerminal(harness.store, second.id);
    expect(secondDone.status).toBe('completed');
    expect(secondDone.summary).toEqual(firstDone.summary);
    expect(events.some((e) => e.type === 'progress' && e.data.step === 'simulation')).toBe(false);
    const manifest = await readTaskArtifact(harness.config.DATA_ROOT, second.id, 'manifest');
    // alice's backtest id is not bob's to know: neither the result nor the log names it.
    expect(manifest).toMatchObject({ id: second.id, ownerId: 'bob', reusedFrom: null });
    const bobLog = await harness.store.getLogs(second.id, { limit: 100 });
    expect(bobLog.map((line) => line.message)).toContain(
      'reused the result of an identical earlier backtest',
    );
    expect(JSON.stringify(bobLog)).not.toContain(first.id);
    // The latest identical result is bob's own now: that one he is told.
    const mine = await harness.submit({ ...REQUEST, name: 'mine again' }, { ownerId: 'bob' });
    await waitForTerminal(harness.store, mine.id);
    const mineManifest = await readTaskArtifact(harness.config.DATA_ROOT, mine.id, 'manifest');
    expect(mineManifest?.reusedFrom).toBe(second.id);

    const third = await harness.submit({ ...REQUEST, cache: false });
    const thirdWatch = harness.watch(third.id);
    const thirdEvents = await thirdWatch.terminal;
    expect(thirdEvents.some((e) => e.type === 'progress' && e.data.step === 'simulation')).toBe(
      true,
    );
    const thirdManifest = await readTaskArtifact(harness.config.DATA_ROOT, third.id, 'manifest');
    expect(thirdManifest?.reusedFrom).toBeNull();
    expect(existsSync(taskDir(harness.config.DATA_ROOT, third.id))).toBe(true);
  });

  it('records the cached range, and runs a backtest of cached bars as one simulation job', async () => {
    harness = await startHarness();
    const hints = new BarsCachedHints(harness.redis, harness.config.QUEUE_PREFIX);
    expect(await hints.allCached(REQUEST), 'nothing is cached before the first run').toBe(false);
    const first = await harness.submit({ ...REQUEST, cache: false });
    const firstDone = await waitForTerminal(harness.store, first.id);
    expect(firstDone.status, JSON.stringify(firstDone.error)).toBe('completed');
    expect(await hints.allCached(REQUEST), 'load-bars marked the range').toBe(true);

    const alone = await harness.submit({ ...REQUEST, cache: false }, {}, { barsCached: true });
    const events = await harness.watch(alone.id).terminal;
    const done = await waitForTerminal(harness.store, alone.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.summary, 'same config, same bars: the same numbers').toEqual(firstDone.summary);
    expect(events[0]).toMatchObject({
      type: 'status',
      data: { status: 'running', step: 'simulation' },
    });
    const steps = events.flatMap((e) => (e.type === 'progress' ? [e.data.step] : []));
    expect([...new Set(steps)]).toEqual(['simulation', 'saving']);
    const metrics = harness.running.metrics.registry;
    await expect
      .poll(() => metrics.getSingleMetricAsString('worker_jobs_total'))
      .toMatch(/^worker_jobs_total\{queue="simulation",outcome="completed",.*\} 2$/m);
    expect(
      await metrics.getSingleMetricAsString('worker_jobs_total'),
      'the second backtest ran no data job',
    ).toMatch(/^worker_jobs_total\{queue="market-data",outcome="completed",.*\} 1$/m);
  });

  it('fails a simulation run alone whose strategy does not fit the bars, with the reason', async () => {
    harness = await startHarness();
    const record = await harness.submit(
      // 2015-01-01..2015-02-15 holds about 32 weekday bars; a 60-bar average cannot warm up.
      {
        ...REQUEST,
        start: '2015-01-01',
        end: '2015-02-15',
        strategy: { name: 'sma_crossover', params: { fast: 10, slow: 60 } },
      },
      {},
      { barsCached: true },
    );
    const done = await waitForTerminal(harness.store, record.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/needs a longer warm-up than the \d+ 1d bars/);
  });
});
