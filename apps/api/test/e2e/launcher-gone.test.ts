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
 * `npm start`'s launcher runs the api and the worker with an IPC channel, which closes when the
 * launcher dies, even by SIGKILL: each must then stop rather than outlive it. The launcher may die
 * while they still load (it waits only for the api to be ready), so the channel can close before
 * a process has set up anything: these start the real processes and close their channel at once,
 * and once they are ready. (Before `launcherGone`, a worker whose channel closed while it loaded
 * ran on forever.)
 */
let redis: RedisServerHandle;
let dataRoot: string;
/** Killed at the end whatever happened: a process that missed its launcher would run on. */
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

const PROCESSES = [
  { name: 'api', entry: 'apps/api/src/server.ts', ready: /Hindsight api listening/ },
  { name: 'worker', entry: 'apps/worker/src/main.ts', ready: /worker ready/ },
] as const;

async function start(entry: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', entry], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      DATA_ROOT: dataRoot,
      QUEUE_PREFIX: uniquePrefix('launcher-gone'),
      LOG_LEVEL: 'info',
      PORT: String(await findFreePort()),
      WORKER_METRICS_PORT: String(await findFreePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  started.push(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe.each(PROCESSES)('the $name without its launcher', ({ entry, ready }) => {
  it('stops even when the launcher died before it had loaded', async () => {
    const proc = await start(entry);
    proc.child.disconnect();
    // Missing the closed channel, the process never exits: the test's timeout is the failure.
    await proc.exited;
    expect(proc.output()).not.toMatch(/Error|failed/);
  }, 60_000);

  it('stops when the launcher dies after it said it was ready', async () => {
    const proc = await start(entry);
    while (!ready.test(proc.output())) {
      if (proc.child.exitCode !== null) throw new Error(proc.output());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    proc.child.disconnect();
    expect(await proc.exited).toBe(0);
  }, 60_000);
});
