import { readdir, stat } from 'node:fs/promises';
import { fingerprintConfig, parseBacktestRequest } from '@hindsight/models';
import { readTaskArtifact, taskDir, tasksRoot, writeTaskArtifacts } from '@hindsight/service';
import { type RedisServerHandle, startTestRedis } from '@hindsight/service/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness.js';
import { runSimulationJob } from './processors/simulation.js';

let server: RedisServerHandle;
let harness: Harness;

beforeAll(async () => {
  server = await startTestRedis();
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  harness = await startHarness(server.url);
});

afterEach(async () => {
  await harness.close();
});

/**
 * A backtest written to the store but never enqueued: the test plays BullMQ, handing the same
 * simulation job to the processor as often as a crash or a lost lock would.
 */
async function unqueuedBacktest(cache = true) {
  const config = parseBacktestRequest({
    cache,
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: ['synthetic:RETRY'],
    start: '2018-01-01',
    end: '2020-12-31',
  });
  const { record } = await harness.store.createBacktest({
    ownerId: 'alice',
    name: 'retry',
    tags: [],
    config,
    fingerprint: fingerprintConfig(config),
    idempotencyKey: null,
  });
  return record;
}

function simulationJob(backtestId: string, attemptsMade: number) {
  return {
    id: `${backtestId}-simulation`,
    attemptsMade,
    opts: { attempts: 2 },
    data: { backtestId },
  };
}

describe('a simulation run again', { timeout: 60_000 }, () => {
  it('after it completed changes nothing: one result, one completed event', async () => {
    const record = await unqueuedBacktest();
    const deps = harness.running.deps;
    const first = await runSimulationJob(deps, simulationJob(record.id, 0), undefined);
    const manifest = await readTaskArtifact(harness.config.DATA_ROOT, record.id, 'manifest');
    const written = await stat(taskDir(harness.config.DATA_ROOT, record.id));
    const second = await runSimulationJob(deps, simulationJob(record.id, 1), undefined);
    expect(first).toEqual({ backtestId: record.id, status: 'completed', reused: false });
    expect(second).toEqual({ backtestId: record.id, status: 'completed', reused: false });
    expect(await readTaskArtifact(harness.config.DATA_ROOT, record.id, 'manifest')).toEqual(
      manifest,
    );
    expect((await stat(taskDir(harness.config.DATA_ROOT, record.id))).mtimeMs).toBe(
      written.mtimeMs,
    );
    const events = await harness.hub.readStream(record.id, 1);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    expect((await harness.store.getBacktest(record.id))?.attempts).toBe(1);
  });

  it('after a crash between writing the files and completing keeps the first files', async () => {
    const deps = harness.running.deps;
    // Another run of the same config provides complete files to play the crashed attempt's
    // (cache: false, so neither run answers from the other's result).
    const donor = await unqueuedBacktest(false);
    await runSimulationJob(deps, simulationJob(donor.id, 0), undefined);
    const record = await unqueuedBacktest(false);
    const read = <K extends 'manifest' | 'equity' | 'trades' | 'stats'>(kind: K) =>
      readTaskArtifact(harness.config.DATA_ROOT, donor.id, kind).then((value) => value!);
    const crashed = {
      ...(await read('manifest')),
      id: record.id,
      finishedAt: '2000-01-01T00:00:00.000Z',
    };
    await writeTaskArtifacts(harness.config.DATA_ROOT, record.id, {
      manifest: crashed,
      equity: await read('equity'),
      trades: await read('trades'),
      stats: await read('stats'),
    });
    await harness.store.transition(record.id, { from: ['queued'], to: 'running' });

    const retried = await runSimulationJob(deps, simulationJob(record.id, 1), undefined);
    expect(retried).toEqual({ backtestId: record.id, status: 'completed', reused: false });
    const kept = await readTaskArtifact(harness.config.DATA_ROOT, record.id, 'manifest');
    expect(kept).toEqual(crashed);
    const done = await harness.store.getBacktest(record.id);
    expect(done?.status).toBe('completed');
    const events = await harness.hub.readStream(record.id, 1);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    expect(events.some((e) => e.type === 'progress' && e.data.step === 'saving')).toBe(true);
  });

  it('twice at once (a lost lock) completes once and leaves one directory', async () => {
    const record = await unqueuedBacktest();
    const deps = harness.running.deps;
    const results = await Promise.all([
      runSimulationJob(deps, simulationJob(record.id, 0), undefined),
      runSimulationJob(deps, simulationJob(record.id, 0), undefined),
    ]);
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    const events = await harness.hub.readStream(record.id, 1);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    expect(await readdir(tasksRoot(harness.config.DATA_ROOT))).toEqual([record.id]);
  });
});
