import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, REPO_ROOT } from '@hindsight/service/testing';
import { createStore } from '@hindsight/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start`'s launcher as a real process tree (launcher, private redis-server and its watchdog,
 * api, worker): Ctrl-C to the whole process group mid-run, then a restart on the same DATA_ROOT;
 * and the launcher SIGKILLed. Nothing may be left running, and the interrupted run must finish.
 */
const KEY = 'launcher-key-0001-for-tests';
let dataRoot: string;
let env: NodeJS.ProcessEnv;
let http: string;

beforeAll(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-launcher-'));
  const port = await findFreePort();
  http = `http://127.0.0.1:${port}`;
  const { REDIS_URL: _unset, ...inherited } = process.env;
  env = {
    ...inherited,
    DATA_ROOT: dataRoot,
    PORT: String(port),
    WORKER_METRICS_PORT: String(await findFreePort()),
    API_KEYS: `${KEY}:carol:pro`,
    // The run below is long on purpose (so Ctrl-C meets it mid-simulation): above the pro tier's
    // default bar limit, which this test is not about.
    LIMIT_BARS_PRO: '50000000',
    // Shorter than the run below, so Ctrl-C meets it mid-simulation and hands it back.
    WORKER_SHUTDOWN_GRACE_SECONDS: '1',
    LOG_LEVEL: 'info',
  };
});
afterAll(() => {
  rmSync(dataRoot, { recursive: true, force: true });
});

interface Launcher {
  child: ChildProcess;
  output(): string;
}

/** Runs the launcher as `npm start` does, as the leader of its own process group (a terminal's). */
async function startLauncher(): Promise<Launcher> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', 'scripts/start.ts'],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 90_000;
  while (!output.includes('Hindsight is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the launcher did not become ready:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

/** Every process below `pid`, read from ps before anything is killed. */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    let text = '';
    try {
      text = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' });
    } catch {
      // ps exits 1 when there are none.
    }
    for (const child of text.split('\n').map((line) => Number(line.trim()))) {
      if (child > 0) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped) counts as gone.
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return !state.trim().startsWith('Z');
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (pids.some(alive)) {
    if (Date.now() - started > timeoutMs) {
      const left = pids.filter(alive);
      const names = left.map((pid) =>
        execFileSync('ps', ['-o', 'pid=,args=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
      );
      throw new Error(`still running after ${timeoutMs} ms:\n${names.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${http}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function waitForRecord(
  id: string,
  predicate: (record: Record<string, unknown>) => boolean,
  what: string,
  launcher: Launcher,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(`/backtests/${id}`).catch(() => ({
      body: {} as Record<string, unknown>,
    }));
    if (predicate(body)) return body;
    if (Date.now() > deadline) {
      throw new Error(
        `${id} not ${what} within ${timeoutMs} ms (${body.status}):\n${launcher.output().slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start', () => {
  it('Ctrl-C mid-run ends every process within 10 s, in order, and the next start finishes the run', async () => {
    const first = await startLauncher();
    const submitted = await api('/backtests', {
      method: 'POST',
      body: JSON.stringify({
        strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
        symbols: ['synthetic:CTRLC1', 'synthetic:CTRLC2', 'synthetic:CTRLC3'],
        timeframe: '1m',
        start: '2000-01-01',
        end: '2020-01-01',
      }),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id = submitted.body.id as string;
    await waitForRecord(id, (r) => r.step === 'simulation', 'simulating', first);

    const pids = [first.child.pid as number, ...descendants(first.child.pid as number)];
    expect(pids.length, 'launcher, redis-server, watchdog, api, worker').toBeGreaterThanOrEqual(5);
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-(first.child.pid as number), 'SIGINT');
    const stopMs = await waitUntilGone(pids, 10_000);
    console.info(`Ctrl-C mid-run: every process gone in ${stopMs} ms`);
    const log = first.output();
    expect(log).toContain('handed back to the queue');
    // Redis went last: nobody lost its connection while stopping.
    expect(log.match(/ECONNREFUSED/g) ?? [], 'connection errors while stopping').toEqual([]);

    const store = await createStore({ dataRoot });
    try {
      expect((await store.getBacktest(id))?.status, 'handed back, not lost').toBe('queued');
    } finally {
      await store.close();
    }

    const second = await startLauncher();
    try {
      const done = await waitForRecord(id, (r) => r.status === 'completed', 'completed', second);
      // Started twice: the run Ctrl-C interrupted and the one that finished it.
      expect(done.attempts).toBe(2);
    } finally {
      const rest = [second.child.pid as number, ...descendants(second.child.pid as number)];
      process.kill(-(second.child.pid as number), 'SIGINT');
      await waitUntilGone(rest, 10_000);
    }
  }, 300_000);

  it('SIGKILL of the launcher ends the api, the worker and the private Redis too', async () => {
    const launcher = await startLauncher();
    const pids = descendants(launcher.child.pid as number);
    expect(pids.length).toBeGreaterThanOrEqual(4);
    launcher.child.kill('SIGKILL');
    const ms = await waitUntilGone(pids, 15_000);
    console.info(`launcher SIGKILLed: its children gone in ${ms} ms`);
  }, 120_000);
});
