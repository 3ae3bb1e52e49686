import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisServerError } from '@hindsight/redis-server';
import {
  type Config,
  ConfigError,
  createLogger,
  type Logger,
  loadConfig,
  resolveRedisUrl,
} from '@hindsight/service';

/**
 * `pnpm start`: the whole service on one machine - Redis (a private redis-server unless
 * REDIS_URL is set), one api process and one worker process, all from TypeScript source. Prints
 * the URL once /ready answers. On SIGINT/SIGTERM it stops them in order: the worker (it stops
 * taking jobs and hands back what still runs after WORKER_SHUTDOWN_GRACE_SECONDS), the api, then
 * Redis. Each child lives in a process group of its own, so a Ctrl-C in the terminal reaches
 * this process only; and each ends when this process does, however it ends (see launch).
 */

const REPO = fileURLToPath(new URL('../', import.meta.url));
const READY_TIMEOUT_MS = 90_000;
/** A child still running this long after SIGTERM is killed; the worker's own bound is shorter. */
const STOP_TIMEOUT_MS = 15_000;

function entry(app: 'api' | 'worker', file: string): string {
  return join(REPO, 'apps', app, 'src', `${file}.ts`);
}

function nodeArgs(script: string): string[] {
  return ['--import', import.meta.resolve('tsx'), '--conditions=source', script];
}

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

function launch(name: string, script: string, env: NodeJS.ProcessEnv): Child {
  // Its own process group: a Ctrl-C in the terminal reaches this process only, which then
  // stops each child once, in order, instead of every process at once. The IPC channel closes
  // when this process dies, even by SIGKILL, and the child then stops as on SIGTERM.
  const child = spawn(process.execPath, nodeArgs(script), {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  return { name, process: child, exited };
}

async function stopChild(child: Child, logger: Logger): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => {
    logger.warn({ process: child.name }, 'did not stop in time: killing it');
    child.process.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

async function waitUntilReady(url: string, children: Child[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: string | null = null;
  for (const child of children) {
    child.exited.then(() => {
      exited ??= child.name;
    });
  }
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the ${exited} process exited before the service was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

function serviceUrl(config: Config): { public: string; probe: string } {
  const wildcard = config.HOST === '0.0.0.0' || config.HOST === '::';
  const probeHost = wildcard ? '127.0.0.1' : config.HOST;
  const format = (host: string) => (host.includes(':') ? `[${host}]` : host);
  return {
    public: `http://${format(config.HOST)}:${config.PORT}`,
    probe: `http://${format(probeHost)}:${config.PORT}/ready`,
  };
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`hindsight: invalid configuration\n${error.message}\n`);
    return 1;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'start' });
  let redis: Awaited<ReturnType<typeof resolveRedisUrl>>;
  try {
    redis = await resolveRedisUrl(config);
  } catch (error) {
    if (!(error instanceof RedisServerError)) throw error;
    process.stderr.write(`hindsight: ${error.message}\n`);
    return 1;
  }
  logger.info(
    redis.owned
      ? { redis: redis.url, dir: join(config.DATA_ROOT, 'redis') }
      : { redis: redis.url.replace(/\/\/[^@/]*@/, '//***@') },
    redis.owned ? 'started a private redis-server' : 'using REDIS_URL',
  );

  // Both children get the resolved Redis and the absolute DATA_ROOT, so they share exactly
  // what this process chose.
  const env = { ...process.env, REDIS_URL: redis.url, DATA_ROOT: config.DATA_ROOT };
  const children = [
    launch('api', entry('api', 'server'), env),
    launch('worker', entry('worker', 'main'), env),
  ];
  const killAll = () => {
    for (const child of children) child.process.kill('SIGKILL');
  };
  process.once('exit', killAll);

  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<number> | undefined;
  const stop = (reason: string, code: number): Promise<number> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'stopping');
      // The worker first: it stops taking jobs and finishes or hands back what it holds while
      // Redis and the api are still there; then the api; Redis last, once nobody uses it.
      await stopChild(children[1]!, logger);
      await stopChild(children[0]!, logger);
      await redis.stop();
      process.removeListener('exit', killAll);
      logger.info('stopped');
      resolveStopped(code);
      return code;
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  for (const child of children) {
    child.exited.then((code) => {
      if (!stopping) {
        logger.error({ process: child.name, code }, 'a service process exited');
        void stop(`${child.name} exited`, 1);
      }
    });
  }

  const url = serviceUrl(config);
  try {
    await waitUntilReady(url.probe, children);
  } catch (error) {
    logger.error({ err: error }, 'the service did not become ready');
    return stop('not ready', 1);
  }
  logger.info(
    `Hindsight is ready at ${url.public}/ (the web console; API docs: ${url.public}/docs)`,
  );
  return stopped;
}

process.exit(await main());
