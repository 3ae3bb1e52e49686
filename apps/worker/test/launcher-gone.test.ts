import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  REPO_ROOT,
  type RedisServerHandle,
  startTestRedis,
  uniquePrefix,
} from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start`'s launcher runs the worker with an IPC channel, which closes when the launcher
 * dies, even by SIGKILL: the worker must then stop rather than outlive it. The launcher may die
 * while the worker is still loading (it waits only for the api to be ready), so the channel can
 * close before the worker has set up anything: these start a real worker process and close its
 * channel at once, and after it has said it is ready.
 */
let redis: RedisServerHandle;
let dataRoot: string;
/** Killed at the end whatever happened: a worker that missed its launcher would run on. */
const started: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-launcher-gone-'));
});
afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

async function startWorker() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', 'apps/worker/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        DATA_ROOT: dataRoot,
        QUEUE_PREFIX: uniquePrefix('launcher-gone'),
        LOG_LEVEL: 'info',
        WORKER_METRICS_PORT: String(await findFreePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe('a worker whose launcher is gone', () => {
  it('stops even when the launcher died before the worker had loaded', async () => {
    const worker = await startWorker();
    worker.child.disconnect();
    // Without the fix this never exits: the test's timeout is the failure.
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('launcher gone');
  }, 60_000);

  it('stops when the launcher dies after the worker said it was ready', async () => {
    const worker = await startWorker();
    while (!worker.output().includes('worker ready')) {
      if (worker.child.exitCode !== null) throw new Error(worker.output());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    worker.child.disconnect();
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('launcher gone');
  }, 60_000);
});
