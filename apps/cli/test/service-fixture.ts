import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestRedis, uniquePrefix } from '@hindsight/service/testing';

/**
 * The real service for the CLI's tests: a private redis-server, then the api and (on demand)
 * the worker as child processes, the way `pnpm start` runs them - the CLI may not import an app.
 */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const TEST_KEY = 'cli-test-key-0001';

export interface TestService {
  url: string;
  dataRoot: string;
  /** The environment the CLI commands get: HINDSIGHT_URL and HINDSIGHT_API_KEY point here. */
  env: NodeJS.ProcessEnv;
  startWorker(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Child {
  process: ChildProcess;
  exited: Promise<void>;
}

export async function startTestService(): Promise<TestService> {
  const redis = await startTestRedis();
  const dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-cli-'));
  const port = await freePort();
  const serviceEnv = {
    ...process.env,
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: uniquePrefix('cli'),
    PORT: String(port),
    HOST: '127.0.0.1',
    API_KEYS: `${TEST_KEY}:cli-tester:pro`,
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '1',
    WORKER_METRICS_PORT: String(await freePort()),
  };
  const children: Child[] = [];
  let output = '';
  const launch = (entry: string): Child => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', entry], {
      cwd: REPO_ROOT,
      env: serviceEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-100_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const handle = { process: child, exited: new Promise<void>((r) => child.once('exit', r)) };
    children.push(handle);
    return handle;
  };
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
        child.process.kill('SIGTERM');
        await child.exited;
        clearTimeout(timer);
      }
    }
    await redis.stop();
    await rm(dataRoot, { recursive: true, force: true });
  };
  const waitFor = async (ready: () => Promise<boolean>, child: Child, what: string) => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.process.exitCode !== null) break;
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tail = output.slice(-2000);
    await stop();
    throw new Error(`${what} did not become ready:\n${tail}`);
  };

  const api = launch('apps/api/src/server.ts');
  await waitFor(
    () =>
      fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      ),
    api,
    'the api',
  );
  return {
    url,
    dataRoot,
    env: { ...process.env, HINDSIGHT_URL: url, HINDSIGHT_API_KEY: TEST_KEY, DATA_ROOT: dataRoot },
    async startWorker() {
      const before = output.length;
      const worker = launch('apps/worker/src/main.ts');
      await waitFor(async () => /worker ready/.test(output.slice(before)), worker, 'the worker');
    },
    output: () => output,
    stop,
  };
}
