import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  type ServiceProcess,
  startProcess,
  startTestRedis,
  uniquePrefix,
} from '@hindsight/service/testing';

/**
 * The real service for the CLI's tests: a private redis-server, then the api and (on demand)
 * the worker as child processes, the way `pnpm start` runs them - the CLI may not import an app.
 */
const TEST_KEY = 'cli-test-key-00000000001';

export interface TestService {
  url: string;
  dataRoot: string;
  /** The environment the CLI commands get: HINDSIGHT_URL and HINDSIGHT_API_KEY point here. */
  env: NodeJS.ProcessEnv;
  startWorker(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

export async function startTestService(): Promise<TestService> {
  const redis = await startTestRedis();
  const dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-cli-'));
  const port = await findFreePort();
  const serviceEnv = {
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: uniquePrefix('cli'),
    PORT: String(port),
    HOST: '127.0.0.1',
    API_KEYS: `${TEST_KEY}:cli-tester:pro`,
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '1',
    WORKER_METRICS_PORT: String(await findFreePort()),
  };
  const url = `http://127.0.0.1:${port}`;
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    for (const process of processes.reverse()) await process.stop();
    await redis.stop();
    await rm(dataRoot, { recursive: true, force: true });
  };
  const start = async (entry: string, ready: RegExp | URL) => {
    try {
      processes.push(await startProcess(entry, serviceEnv, ready));
    } catch (error) {
      await stop();
      throw error;
    }
  };

  await start('apps/api/src/server.ts', new URL('/ready', url));
  return {
    url,
    dataRoot,
    env: { ...process.env, HINDSIGHT_URL: url, HINDSIGHT_API_KEY: TEST_KEY, DATA_ROOT: dataRoot },
    startWorker: () => start('apps/worker/src/main.ts', /worker ready/),
    output: () => processes.map((p) => p.output()).join(''),
    stop,
  };
}
