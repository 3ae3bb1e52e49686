import { randomBytes } from 'node:crypto';
import { type ApiKeyTier, type BacktestRecord, backtestJobIds } from '@hindsight/models';
import {
  type BacktestLifecycle,
  type BarsCachedHints,
  type Config,
  enqueueBacktest,
  type Logger,
  type Queues,
  type Redis,
  redisKeys,
  TIER_PRIORITY,
} from '@hindsight/service';
import { MAX_SCAN_PAGE, type Store } from '@hindsight/store';

/**
 * Runs of one backtest that a lost worker or lost jobs may cut short before it fails: a backtest
 * that takes its worker down every time (out of memory, a crash) must not be retried forever.
 * The reconciler counts them in the record's `attempts`; BullMQ, for a worker lost mid-job, in
 * the job's stalls (see MAX_STALLS).
 */
export const MAX_RUN_ATTEMPTS = 3;

/**
 * BullMQ's maxStalledCount: how often a job whose worker was lost (its lock expired) goes back to
 * its queue, spending none of its `attempts`, before it fails - the runs after the first.
 */
export const MAX_STALLS = MAX_RUN_ATTEMPTS - 1;

/** How long one pass may hold the lock; a pass reads one page of records at a time. */
const LOCK_TTL_MS = 60_000;

/** Deletes the lock only if it is still ours: an expired lock may belong to another pass now. */
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export interface ReconcilerDeps {
  config: Config;
  redis: Redis;
  store: Store;
  lifecycle: BacktestLifecycle;
  queues: Pick<Queues, 'queues' | 'flows'>;
  barsCached: BarsCachedHints;
  logger: Logger;
}

export interface ReconcileReport {
  /** false when another process held the lock, so this pass did nothing. */
  ran: boolean;
  /** Active backtests looked at. */
  checked: number;
  /** Backtests whose jobs were missing and were added again. */
  requeued: string[];
  /** Backtests failed: lost too often, or whose job failed without ending them. */
  failed: string[];
}

/**
 * The store is the system of record and Redis only holds the work in flight, so after Redis lost
 * its data (a restart without persistence, a flush, a failover) queued and running backtests
 * would wait forever for jobs that no longer exist, and count against their owner's quota. One
 * pass reads every active backtest and, for each whose simulation job (the root of its flow,
 * present for as long as the backtest is active) is gone, adds its jobs again through
 * enqueueBacktest - the ids derive from the backtest id, so a pass racing a submit or another
 * pass adds nothing twice. A running one is first moved back to queued, so the next start counts
 * an attempt; past MAX_RUN_ATTEMPTS it fails instead. A lock in Redis keeps two workers' passes
 * from both moving the same backtest.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { ran: false, checked: 0, requeued: [], failed: [] };
  const lock = redisKeys.reconcileLock(deps.config.QUEUE_PREFIX);
  const token = randomBytes(8).toString('hex');
  if ((await deps.redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') return report;
  report.ran = true;
  try {
    const tiers = new Tiers(deps);
    let after: string | null = null;
    for (;;) {
      const page = await deps.store.scanBacktests(after, MAX_SCAN_PAGE, ['queued', 'running']);
      if (page.length === 0) break;
      after = page.at(-1)?.id ?? null;
      for (const record of page) {
        report.checked++;
        await reconcileBacktest(deps, record, tiers, report);
      }
    }
  } finally {
    await deps.redis.eval(RELEASE_LOCK, 1, lock, token).catch(() => undefined);
  }
  return report;
}

async function reconcileBacktest(
  deps: ReconcilerDeps,
  record: BacktestRecord,
  tiers: Tiers,
  report: ReconcileReport,
): Promise<void> {
  const { lifecycle } = deps;
  const job = await deps.queues.queues.simulation.getJob(backtestJobIds.simulation(record.id));
  if (job) {
    // The safety net in workers.ts ends such a backtest; a worker that died right after its job
    // failed for good never ran it.
    if ((await job.getState()) === 'failed') {
      const failed = await lifecycle.fail(record.id, {
        code: 'HS_ERR_INTERNAL',
        message: `the simulation job failed: ${job.failedReason}`,
      });
      if (failed) report.failed.push(record.id);
    }
    return;
  }
  if (record.status === 'running') {
    if (record.attempts >= MAX_RUN_ATTEMPTS) {
      const failed = await lifecycle.fail(record.id, {
        code: 'HS_ERR_QUEUE_UNAVAILABLE',
        message: `its jobs were lost from the queue after ${record.attempts} runs; not retried again`,
      });
      if (failed) report.failed.push(record.id);
      return;
    }
    // Not running any more (it ended meanwhile): nothing of it to bring back.
    if (!(await lifecycle.requeue(record.id, 'its jobs were lost from the queue'))) return;
  }
  const barsCached = await deps.barsCached.allCached(record.config).catch(() => false);
  await enqueueBacktest(deps.queues, record, {
    priority: TIER_PRIORITY[await tiers.of(record.ownerId)],
    barsCached,
  });
  report.requeued.push(record.id);
  deps.logger.warn(
    { backtestId: record.id, was: record.status },
    'reconcile: jobs were missing from Redis; enqueued again',
  );
}

/** The owner's best tier, for the priority its jobs had; read once per pass, only if needed. */
class Tiers {
  #byUser: Promise<Map<string, ApiKeyTier>> | undefined;

  constructor(private readonly deps: Pick<ReconcilerDeps, 'config' | 'store'>) {}

  async of(userId: string): Promise<ApiKeyTier> {
    this.#byUser ??= this.#load();
    return (await this.#byUser).get(userId) ?? 'free';
  }

  async #load(): Promise<Map<string, ApiKeyTier>> {
    const byUser = new Map<string, ApiKeyTier>();
    const keys = [...this.deps.config.API_KEYS, ...(await this.deps.store.listApiKeys())];
    for (const { userId, tier } of keys) {
      const known = byUser.get(userId);
      if (known === undefined || TIER_PRIORITY[tier] < TIER_PRIORITY[known]) {
        byUser.set(userId, tier);
      }
    }
    return byUser;
  }
}

export interface Reconciler {
  /** The first pass, run at start; resolves once it is done (or failed and was logged). */
  readonly first: Promise<void>;
  stop(): Promise<void>;
}

/** A pass at once, then one every RECONCILE_INTERVAL_SECONDS, one at a time. */
export function startReconciler(deps: ReconcilerDeps): Reconciler {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const pass = () => {
    const started = performance.now();
    current = reconcileOnce(deps).then(
      (report) => {
        if (report.requeued.length > 0 || report.failed.length > 0) {
          deps.logger.info(
            {
              checked: report.checked,
              requeued: report.requeued,
              failed: report.failed,
              ms: Math.round(performance.now() - started),
            },
            'reconcile pass',
          );
        }
      },
      // Redis or the store down: the next pass tries again.
      (error) => deps.logger.warn({ err: error }, 'reconcile pass failed'),
    );
    current.then(() => {
      if (!stopped) timer = setTimeout(pass, deps.config.RECONCILE_INTERVAL_SECONDS * 1000);
    });
    return current;
  };
  const first = pass();
  return {
    first,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // A pass waits without limit for a Redis that is down; shutting down must not.
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}
