import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private `redis-server` child process on a free loopback port: what `npm start` runs when
 * REDIS_URL is unset, and what every test run starts for itself.
 */
export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  /** The redis-server process, for tests that kill it the hard way. */
  readonly pid: number;
  /** Stops the server and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Port to bind; default: a free port chosen by the OS. */
  port?: number;
  /** Working directory for AOF files; default: a fresh temporary directory removed on stop. */
  dir?: string;
  /** Keep data on disk (AOF) in `dir`; default false (a throwaway server). */
  persist?: boolean;
  /** Binary to run; default `redis-server` on PATH. */
  binary?: string;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
  /**
   * Run it in a process group of its own, so a Ctrl-C in the terminal (SIGINT to the whole
   * foreground group) does not reach it and the owner can stop it last, after the processes
   * using it. A watchdog process stops it when the owner dies, however it dies.
   */
  ownGroup?: boolean;
}

/**
 * The watchdog of an `ownGroup` server: reads its stdin, a pipe from the owner, which closes when
 * the owner exits - even by SIGKILL - and then stops the server. It also ends when the server does.
 */
const WATCHDOG = `
const pid = Number(process.argv[1]);
const stopServer = () => { try { process.kill(pid, 'SIGTERM'); } catch {} process.exit(0); };
process.stdin.on('end', stopServer);
process.stdin.on('error', stopServer);
process.stdin.resume();
setInterval(() => { try { process.kill(pid, 0); } catch { process.exit(0); } }, 1000);
`;

export class RedisServerError extends Error {
  override readonly name = 'RedisServerError';
}

const INSTALL_HINT =
  'redis-server not found: install it with `sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), or set REDIS_URL to an existing server';

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new RedisServerError('could not find a free port')),
      );
    });
  });
}

export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const binary = options.binary ?? 'redis-server';
  if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).error) {
    throw new RedisServerError(INSTALL_HINT);
  }
  const port = options.port ?? (await findFreePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hindsight-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.persist ? 'yes' : 'no',
    // BullMQ requires that Redis never evicts its keys.
    '--maxmemory-policy',
    'noeviction',
    // notice level prints the "Ready to accept connections" line that startup waits for.
    '--loglevel',
    'notice',
  ];
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup === true,
  });
  const watchdog =
    options.ownGroup && child.pid !== undefined
      ? spawn(process.execPath, ['-e', WATCHDOG, String(child.pid)], {
          stdio: ['pipe', 'ignore', 'ignore'],
          detached: true,
        })
      : undefined;
  // Neither the watchdog nor its pipe may keep the owner alive.
  watchdog?.unref();
  (watchdog?.stdin as { unref?: () => void } | null | undefined)?.unref?.();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  // A server that outlives its parent would hold the port; kill it when this process exits.
  const killOnExit = () => {
    watchdog?.kill('SIGKILL');
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const cleanup = () => {
    process.removeListener('exit', killOnExit);
    watchdog?.kill('SIGKILL');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(child, port, options.startTimeoutMs ?? 10_000, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          resolve();
          return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          cleanup();
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  // The log line, not a PING: another server already on the port would answer a PING.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const lastLine = output().trim().split('\n').at(-1) ?? '';
      throw new RedisServerError(
        `redis-server on port ${port} exited before it was ready: ${lastLine}`,
      );
    }
    if (output().includes('Ready to accept connections')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new RedisServerError(
    `redis-server did not accept connections on port ${port} within ${timeoutMs} ms`,
  );
}
