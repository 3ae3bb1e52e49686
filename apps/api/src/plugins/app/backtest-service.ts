import { createHash } from 'node:crypto';
import { engineRefusal, prepareBacktest } from '@hindsight/backtest';
import type { MarketDataCache } from '@hindsight/market-data';
import {
  type ApiKeyTier,
  type BacktestRecord,
  type BacktestRequest,
  backtestJobIds,
  canonicalJson,
  createError,
  type ExecutionLogLine,
  fingerprintConfig,
  isHindsightError,
  isTerminalStatus,
  type ListBacktestsQuery,
  type LogLevel,
} from '@hindsight/models';
import {
  type BacktestEventPublisher,
  BacktestLifecycle,
  BarsCachedHints,
  type CancelChannel,
  type Config,
  DiskUsage,
  EQUITY_BYTES_PER_BAR,
  enqueueBacktest,
  fingerprintSalt,
  type Queues,
  RecentKeys,
  type Redis,
  redisKeys,
  removeCheckpoints,
  removeTaskArtifacts,
  TIER_PRIORITY,
  tierLimits,
  webhookRetry,
} from '@hindsight/service';
import type { Store } from '@hindsight/store';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { checkMarketData } from '../../lib/check-market-data.js';
import { linksFor, type SubmitAccepted } from '../../schemas/backtest-view.js';
import type { Principal } from './api-keys.js';
import { QueueEstimator } from './queue-estimator.js';

declare module 'fastify' {
  interface FastifyInstance {
    backtests: BacktestService;
  }
}

/** A submit that cannot reach Redis in this time answers 503 rather than hang. */
const ENQUEUE_TIMEOUT_MS = 3_000;
/** How long this process skips writing a user's symbols it wrote (the set only grows). */
const RECORDED_SYMBOLS_MS = 10 * 60_000;
/** How long an Idempotency-Key replays the first answer. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * What a cancel waits for Redis: a cancel cannot be delivered while Redis is down, and the
 * caller learns that at once (503) rather than after the connection's own retries.
 */
const CANCEL_REDIS_TIMEOUT_MS = 500;
/** How long DELETE waits for a running backtest to stop before removing it anyway. */
const DELETE_WAIT_MS = 2_000;

export interface SubmitOutcome {
  accepted: SubmitAccepted;
  /** false when the Idempotency-Key named an earlier submit. */
  created: boolean;
}

export type CancelOutcome =
  /** A waiting backtest left its queue and is cancelled now. */
  | { kind: 'cancelled'; record: BacktestRecord }
  /** A running backtest was signalled; its worker ends it `cancelled`. */
  | { kind: 'requested'; record: BacktestRecord };

export interface BacktestServiceDeps {
  store: Store;
  queues: Queues;
  redis: Redis;
  publisher: BacktestEventPublisher;
  cancelChannel: CancelChannel;
  config: Config;
  marketData: MarketDataCache;
  log: FastifyBaseLogger;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The request prepared as the engine will run it (parameters resolved, so `{}` and the defaults
 * spelled out are one config with one fingerprint; settings the engine accepts), checked here
 * at submit so a request the engine would refuse is a 400, never an accepted backtest that
 * fails later. The worker trusts what this let through.
 */
function prepare(request: BacktestRequest) {
  try {
    return prepareBacktest(request);
  } catch (error) {
    throw engineRefusal(error, request) ?? error;
  }
}

/** The queue figures of a backtest that has left the queue. */
const NOT_WAITING = { queuePosition: null, estimatedWaitSeconds: null };

/**
 * A replayed first answer as of now: a backtest that has since started or finished says so, and
 * its queue figures no longer apply.
 */
function asOfNow(first: SubmitAccepted, record: BacktestRecord): SubmitAccepted {
  return record.status === 'queued' ? first : { ...first, status: record.status, ...NOT_WAITING };
}

function defaultName(config: BacktestRequest): string {
  return `${config.strategy.name} ${config.symbols.join(',')}`;
}

/**
 * What the routes do with backtests, in one place: the order of writes that makes a submit
 * durable (store first, then the queue), ownership (another user's backtest does not exist),
 * quotas, idempotent submits and the cancel protocol.
 */
export class BacktestService {
  readonly #estimator: QueueEstimator;
  readonly #barsCached: BarsCachedHints;
  /** `<key>\n<symbol>` of the user-symbols this process added lately (see #recordSymbols). */
  readonly #recordedSymbols = new RecentKeys(RECORDED_SYMBOLS_MS);
  readonly #diskUsage: DiskUsage;
  /** The api's writer of state changes: the worker's, with every Redis write bounded. */
  readonly #lifecycle: BacktestLifecycle;

  constructor(private readonly deps: BacktestServiceDeps) {
    this.#lifecycle = new BacktestLifecycle({
      store: deps.store,
      events: deps.publisher,
      notifications: deps.queues.queues.notifications,
      logger: deps.log,
      redisTimeoutMs: CANCEL_REDIS_TIMEOUT_MS,
      webhookRetry: webhookRetry(deps.config),
    });
    this.#estimator = new QueueEstimator(deps.queues);
    this.#barsCached = new BarsCachedHints(deps.redis, deps.config.QUEUE_PREFIX);
    this.#diskUsage = new DiskUsage(deps.redis, deps.config.QUEUE_PREFIX, deps.config.DATA_ROOT);
  }

  quotaOf(tier: ApiKeyTier): number {
    const { QUOTA_ACTIVE_FREE, QUOTA_ACTIVE_BASIC, QUOTA_ACTIVE_PRO } = this.deps.config;
    return { free: QUOTA_ACTIVE_FREE, basic: QUOTA_ACTIVE_BASIC, pro: QUOTA_ACTIVE_PRO }[tier];
  }

  async submit(
    principal: Principal,
    request: BacktestRequest,
    idempotencyKey: string | null,
  ): Promise<SubmitOutcome> {
    const checked = prepare(request).request;
    const limits = tierLimits(this.deps.config, principal.tier);
    const {
      request: config,
      bars,
      dataVersions,
    } = await checkMarketData(checked, {
      cache: this.deps.marketData,
      alphaVantageConfigured: this.deps.config.ALPHAVANTAGE_API_KEY !== undefined,
      limits,
      tier: principal.tier,
    });
    await this.#checkDisk(principal, limits.diskBytes, bars * EQUITY_BYTES_PER_BAR);
    const { store } = this.deps;
    const limit = this.quotaOf(principal.tier);
    // A replayed Idempotency-Key is not a new backtest, so it skips the quota; the count after
    // the write below still bounds it.
    if (idempotencyKey === null) {
      const active = await store.countActive(principal.userId);
      if (active >= limit) throw await this.#quotaError(principal.tier, active, limit);
    }
    const { record, created } = await store.createBacktest({
      ownerId: principal.userId,
      name: config.name ?? defaultName(config),
      tags: config.tags,
      config,
      fingerprint: fingerprintConfig(config, fingerprintSalt(), dataVersions),
      idempotencyKey,
    });
    if (created) {
      // Two submits racing past the first check both land here; the later one steps back.
      const active = await store.countActive(principal.userId);
      if (active > limit) {
        await store.deleteBacktest(record.id);
        throw await this.#quotaError(principal.tier, active - 1, limit);
      }
    } else {
      // The store matched the key and what decides the result; the labels (name, tags, cache)
      // are part of the body too, so the whole body must be the same.
      if (canonicalJson(record.config) !== canonicalJson(config)) {
        throw createError('HS_ERR_IDEMPOTENCY_MISMATCH', { key: idempotencyKey ?? '' });
      }
      const replay = await this.#replayedAnswer(principal, idempotencyKey);
      if (replay) {
        if (record.status === 'queued') await this.#enqueue(record, principal, false, bars);
        return { accepted: asOfNow(replay, record), created: false };
      }
    }
    if (record.status === 'queued') await this.#enqueue(record, principal, created, bars);
    if (created) await this.#recordSymbols(principal, config.symbols);
    const estimate =
      record.status === 'queued'
        ? await this.#estimator
            .estimate(TIER_PRIORITY[principal.tier], config.symbols.length)
            .catch((error: unknown) => {
              this.deps.log.warn({ err: error }, 'queue estimate failed');
              return { queuePosition: 1, estimatedWaitSeconds: 0 };
            })
        : NOT_WAITING;
    const accepted: SubmitAccepted = {
      id: record.id,
      status: record.status,
      ...estimate,
      links: linksFor(record.id),
    };
    if (idempotencyKey !== null && created) {
      await this.deps.redis
        .set(
          this.#idempotencyKey(principal, idempotencyKey),
          JSON.stringify(accepted),
          'EX',
          IDEMPOTENCY_TTL_SECONDS,
          'NX',
        )
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'idempotency cache failed'));
    }
    return { accepted, created };
  }

  /**
   * Refuses a run whose result would take the user over the tier's disk limit: what their
   * results take now plus this one's equity file (24 bytes a bar; trades come on top). Without
   * Redis nothing is counted, as for the rate limit.
   */
  async #checkDisk(principal: Principal, max: number, estimate: number): Promise<void> {
    const used = await this.#diskUsage
      .used(principal.userId, max - estimate)
      .catch((error: unknown) => {
        this.deps.log.warn({ err: error }, 'disk usage unavailable; not limiting');
        return 0;
      });
    if (used + estimate > max) {
      throw createError('HS_ERR_LIMIT', {
        limit: 'disk',
        max,
        requested: used + estimate,
        tier: principal.tier,
      });
    }
  }

  /**
   * Remembers which series this user asked for, so GET /market-data/symbols lists them to this
   * user only. A lost write hides a series from one list, nothing more: logged, not failed.
   */
  /** Skips the symbols this process recorded for the user lately: the set only grows. */
  async #recordSymbols(principal: Principal, symbols: readonly string[]): Promise<void> {
    const key = redisKeys.userSymbols(this.deps.config.QUEUE_PREFIX, principal.userId);
    const fresh = symbols.filter((symbol) => !this.#recordedSymbols.has(`${key}\n${symbol}`));
    if (fresh.length === 0) return;
    try {
      await this.deps.redis.sadd(key, ...fresh);
      this.#recordedSymbols.add(...fresh.map((symbol) => `${key}\n${symbol}`));
    } catch (error) {
      this.deps.log.warn({ err: error }, 'user symbols not recorded');
    }
  }

  /** The symbols `principal`'s backtests have named (see #recordSymbols). */
  async symbolsOf(principal: Principal): Promise<Set<string>> {
    const key = redisKeys.userSymbols(this.deps.config.QUEUE_PREFIX, principal.userId);
    return new Set(await this.deps.redis.smembers(key));
  }

  /** The backtest if `principal` owns it; HS_ERR_NOT_FOUND for anyone else, as for no backtest. */
  async get(principal: Principal, id: string): Promise<BacktestRecord> {
    const record = await this.deps.store.getBacktest(id);
    if (!record || record.ownerId !== principal.userId) {
      throw createError('HS_ERR_NOT_FOUND', { id });
    }
    return record;
  }

  list(principal: Principal, query: ListBacktestsQuery) {
    return this.deps.store.listBacktests(principal.userId, query);
  }

  async logs(
    principal: Principal,
    id: string,
    query: { after?: number | undefined; limit: number; level?: LogLevel | undefined },
  ): Promise<ExecutionLogLine[]> {
    await this.get(principal, id);
    return this.deps.store.getLogs(id, {
      afterSeq: query.after,
      limit: query.limit,
      minLevel: query.level,
    });
  }

  async cancel(principal: Principal, id: string): Promise<CancelOutcome> {
    let record = await this.get(principal, id);
    if (record.status === 'queued') {
      const cancelled = await this.#cancelUnheld(record, 'queued');
      if (cancelled) return { kind: 'cancelled', record: cancelled };
      // A worker started it meanwhile: cancel it as a running one.
      record = await this.get(principal, id);
    }
    if (isTerminalStatus(record.status)) {
      throw createError('HS_ERR_ALREADY_TERMINAL', { id, status: record.status });
    }
    const { simulation } = this.deps.queues.queues;
    try {
      const job = await withTimeout(
        simulation.getJob(backtestJobIds.simulation(id)),
        CANCEL_REDIS_TIMEOUT_MS,
        'reading its job',
      );
      if (!job) {
        // Redis lost its jobs: no worker holds it and a signal would reach nobody, so the
        // store decides, as for a waiting backtest.
        const cancelled = await this.#cancelUnheld(record, 'running');
        if (cancelled) return { kind: 'cancelled', record: cancelled };
        record = await this.get(principal, id);
        if (isTerminalStatus(record.status)) {
          throw createError('HS_ERR_ALREADY_TERMINAL', { id, status: record.status });
        }
      }
      await withTimeout(
        this.deps.cancelChannel.requestCancel(id),
        CANCEL_REDIS_TIMEOUT_MS,
        'publishing the request',
      );
    } catch (error) {
      if (isHindsightError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ err: error, backtestId: id }, 'cancel could not reach Redis');
      throw createError('HS_ERR_CANCEL_UNAVAILABLE', { reason }, { cause: error });
    }
    this.deps.log.info({ backtestId: id }, 'cancel requested for a running backtest');
    return { kind: 'requested', record };
  }

  /** A new backtest with the config of an earlier one of the same owner. */
  async rerun(principal: Principal, id: string): Promise<SubmitOutcome> {
    const record = await this.get(principal, id);
    return this.submit(principal, record.config, null);
  }

  /** Cancels the backtest if it still runs, then removes its record, logs, jobs and files. */
  async remove(principal: Principal, id: string): Promise<void> {
    const record = await this.get(principal, id);
    if (record.status === 'queued') await this.#cancelUnheld(record, 'queued');
    if ((await this.deps.store.getBacktest(id))?.status === 'running') {
      await this.deps.cancelChannel.requestCancel(id);
      await this.#waitUntilTerminal(id, DELETE_WAIT_MS);
    }
    await this.#removeJobs(record);
    await this.deps.store.deleteBacktest(id);
    const { redis, config } = this.deps;
    await redis
      .del(
        redisKeys.eventStream(config.QUEUE_PREFIX, id),
        redisKeys.eventSeq(config.QUEUE_PREFIX, id),
      )
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'event cleanup failed'));
    const removedFiles = await removeTaskArtifacts(config.DATA_ROOT, id);
    await removeCheckpoints(config.DATA_ROOT, id);
    await this.#diskUsage
      .forget(record.ownerId, id)
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'disk usage not updated'));
    this.deps.log.info({ backtestId: id, removedFiles }, 'backtest deleted');
  }

  /** Seconds until a run should have finished: what a caller over quota is told to wait. */
  async #quotaError(tier: ApiKeyTier, active: number, limit: number) {
    const retryAfterSeconds = await this.#estimator.retryAfterSeconds().catch(() => 1);
    return createError(
      'HS_ERR_QUOTA_EXCEEDED',
      { active, tier, limit },
      { details: { active, tier, limit, retryAfterSeconds } },
    );
  }

  /**
   * `bars`: the run's estimated bars; a symbol's share at INDICATORS_JOB_MIN_BARS or more gets
   * its indicators their own job even when the bars are cached.
   */
  async #enqueue(
    record: BacktestRecord,
    principal: Principal,
    created: boolean,
    bars: number,
  ): Promise<void> {
    try {
      await withTimeout(
        (async () => {
          // A hint that cannot be read only costs the longer flow.
          const barsCached = await this.#barsCached.allCached(record.config).catch(() => false);
          await enqueueBacktest(this.deps.queues, record, {
            priority: TIER_PRIORITY[principal.tier],
            barsCached,
            indicatorsJob:
              bars / record.config.symbols.length >= this.deps.config.INDICATORS_JOB_MIN_BARS,
          });
        })(),
        ENQUEUE_TIMEOUT_MS,
        'adding the jobs',
      );
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.deps.log.error({ err: cause, backtestId: record.id }, 'enqueue failed');
      // The record is already durable: end it with the reason instead of leaving it queued
      // forever, so the caller who gets the 503 and the list agree.
      await this.#lifecycle
        .fail(
          record.id,
          { code: 'HS_ERR_QUEUE_UNAVAILABLE', message: `could not be queued: ${reason}` },
          { from: ['queued'] },
        )
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'could not end it failed'));
      throw createError(
        'HS_ERR_QUEUE_UNAVAILABLE',
        { reason },
        { details: { id: record.id, created } },
      );
    }
  }

  async #replayedAnswer(principal: Principal, key: string | null): Promise<SubmitAccepted | null> {
    if (key === null) return null;
    const text = await this.deps.redis.get(this.#idempotencyKey(principal, key)).catch(() => null);
    return text === null ? null : (JSON.parse(text) as SubmitAccepted);
  }

  #idempotencyKey(principal: Principal, key: string): string {
    const digest = createHash('sha256').update(`${principal.userId}\u0000${key}`).digest('hex');
    return `${this.deps.config.QUEUE_PREFIX}:idempotency:${digest}`;
  }

  /**
   * Moves a backtest no worker holds - waiting, or running with its jobs lost from Redis - to
   * cancelled and takes its flow off the queues; null if its status changed meanwhile.
   */
  async #cancelUnheld(
    record: BacktestRecord,
    from: 'queued' | 'running',
  ): Promise<BacktestRecord | null> {
    const reason = from === 'queued' ? 'cancelled before it started' : 'cancel requested';
    const cancelled = await this.#lifecycle.cancel(record.id, reason, {
      from: [from],
      // Taking the flow off the queues runs alongside the event and the notification, each
      // bounded, so a Redis that is down costs one wait per step, not one per write.
      alongside: async () => {
        const removed = await this.#removeJobs(record, CANCEL_REDIS_TIMEOUT_MS);
        // A job of the flow is being worked on (its bars load), or a worker cut off from the
        // lost Redis still runs it: the signal and the flag stop it there.
        if (!removed || from === 'running') {
          await withTimeout(
            this.deps.cancelChannel.requestCancel(record.id),
            CANCEL_REDIS_TIMEOUT_MS,
            'publishing the request',
          ).catch(() => 0);
        }
      },
    });
    if (!cancelled) return null;
    this.deps.log.info({ backtestId: record.id, was: from }, 'backtest cancelled by the api');
    return cancelled;
  }

  /** Removes the whole flow (the simulation job and its children); false if a job is locked. */
  async #removeJobs(record: BacktestRecord, timeoutMs = ENQUEUE_TIMEOUT_MS): Promise<boolean> {
    try {
      const simulation = this.deps.queues.queues.simulation;
      const result = await withTimeout(
        simulation.remove(backtestJobIds.simulation(record.id), { removeChildren: true }),
        timeoutMs,
        'removing the flow',
      );
      return (
        result === 1 ||
        (await withTimeout(
          simulation.getJob(backtestJobIds.simulation(record.id)),
          timeoutMs,
          'reading the flow',
        )) == null
      );
    } catch (error) {
      this.deps.log.warn({ err: error, backtestId: record.id }, 'removing jobs failed');
      return false;
    }
  }

  async #waitUntilTerminal(id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const record = await this.deps.store.getBacktest(id);
      if (!record || isTerminalStatus(record.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function backtestService(fastify: FastifyInstance) {
  fastify.decorate(
    'backtests',
    new BacktestService({
      store: fastify.store,
      queues: fastify.queues,
      redis: fastify.redis,
      publisher: fastify.eventPublisher,
      cancelChannel: fastify.cancelChannel,
      config: fastify.config,
      marketData: fastify.marketData,
      log: fastify.log,
    }),
  );
}

export default fp(backtestService, {
  name: 'backtest-service',
  dependencies: ['config', 'store', 'redis', 'queues', 'events', 'market-data'],
});
