import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS, QUEUE_STATES, type QueueState } from './catalogue.js';
import { TelemetryError } from './errors.js';

/** Job counts by queue, then by state: what BullMQ's `Queue#getJobCounts()` returns per queue. */
export type QueueJobCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface QueueDepthOptions {
  /** A scrape within this long of the last read reuses it, so scrapes never add Redis load. */
  minIntervalMs?: number;
  /** A read slower than this counts as failed, so a stuck Redis never stalls /metrics. */
  timeoutMs?: number;
  /** Told of each failed read (the scrape itself still succeeds). */
  onError?: (error: Error) => void;
  /** The clock, for tests. */
  now?: () => number;
}

const QUEUE_DEPTH_DEFAULTS = Object.freeze({ minIntervalMs: 5_000, timeoutMs: 2_000 });

const STATES: ReadonlySet<string> = new Set(QUEUE_STATES);

/** Rows `[queue, state, count]`, or a TelemetryError naming the first bad entry. */
function rowsOf(counts: unknown): [string, QueueState, number][] {
  if (typeof counts !== 'object' || counts === null) {
    throw new TelemetryError(`queue job counts must be an object by queue name, got ${counts}`);
  }
  const rows: [string, QueueState, number][] = [];
  for (const [queue, byState] of Object.entries(counts)) {
    if (typeof byState !== 'object' || byState === null) {
      throw new TelemetryError(`queue "${queue}": counts must be an object by state`);
    }
    for (const [state, count] of Object.entries(byState)) {
      if (!STATES.has(state)) {
        throw new TelemetryError(
          `queue "${queue}": unknown state "${state}", expected one of ${QUEUE_STATES.join(', ')}`,
        );
      }
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw new TelemetryError(
          `queue "${queue}" state "${state}": count must be a whole number >= 0, got ${count}`,
        );
      }
      rows.push([queue, state as QueueState, count]);
    }
  }
  return rows;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TelemetryError(`reading queue job counts took longer than ${ms} ms`)),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers `queue_jobs{queue,state}` and `queue_jobs_read_errors_total` on the registry. The
 * gauge is filled on scrape from `readCounts`, called at most once per `minIntervalMs` however
 * many scrapers there are; concurrent scrapes share one read. A failed or slow read empties the
 * gauge (no series beats a stale one: alerts on depth must not fire on old numbers) and counts an
 * error; the rest of /metrics is served as usual. Needs no BullMQ: `readCounts` can be
 * `() => Promise.all(queues.map(q => q.getJobCounts()))` shaped into `{ [queue]: counts }`.
 */
export function queueDepthCollector(
  registry: Registry,
  readCounts: () => Promise<QueueJobCounts>,
  options: QueueDepthOptions = {},
): Gauge<'queue' | 'state'> {
  const minIntervalMs = options.minIntervalMs ?? QUEUE_DEPTH_DEFAULTS.minIntervalMs;
  const timeoutMs = options.timeoutMs ?? QUEUE_DEPTH_DEFAULTS.timeoutMs;
  const now = options.now ?? Date.now;
  for (const [name, value] of [
    ['minIntervalMs', minIntervalMs],
    ['timeoutMs', timeoutMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TelemetryError(`${name} must be a number of milliseconds >= 0, got ${value}`);
    }
  }

  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;

  async function read(): Promise<void> {
    try {
      const rows = rowsOf(await withTimeout(Promise.resolve().then(readCounts), timeoutMs));
      gauge.reset();
      for (const [queue, state, count] of rows) gauge.set({ queue, state }, count);
    } catch (error) {
      gauge.reset();
      errors.inc();
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Both metrics wait for the same read, so one scrape shows its counts and its error together. */
  function refresh(): Promise<void> | undefined {
    if (inFlight) return inFlight;
    if (now() - lastAttemptAt < minIntervalMs) return undefined;
    lastAttemptAt = now();
    inFlight = read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  const gauge = new Gauge({
    name: METRICS.queueJobs.name,
    help: METRICS.queueJobs.help,
    labelNames: [...METRICS.queueJobs.labelNames],
    registers: [registry],
    collect: refresh,
  });
  const errors = new Counter({
    name: METRICS.queueJobsReadErrorsTotal.name,
    help: METRICS.queueJobsReadErrorsTotal.help,
    registers: [registry],
    collect: refresh,
  });
  return gauge;
}
