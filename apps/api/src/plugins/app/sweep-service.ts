import {
  barsPerCombination,
  engineRefusal,
  gridSize,
  planSweep,
  prepareBacktest,
  type SweepOverfitting,
  type SweepPlan,
  type SweepSummary,
} from '@hindsight/backtest';
import type { MarketDataCache } from '@hindsight/market-data';
import {
  comboRequest,
  createError,
  fingerprintSweep,
  isTerminalStatus,
  type SweepCellRecord,
  type SweepRecord,
  type SweepRequest,
  type WalkForwardReport,
} from '@hindsight/models';
import {
  type BacktestEventPublisher,
  type Config,
  enqueueSweep,
  fingerprintSalt,
  type Queues,
  SweepLifecycle,
  sweepComboCounts,
  sweepJobIdsOf,
  sweepLimits,
  TIER_PRIORITY,
  tierLimits,
  webhookRetry,
  withTimeout,
} from '@hindsight/service';
import type { Store } from '@hindsight/store';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { checkMarketData } from '../../lib/check-market-data.js';
import type { SubmitAccepted } from '../../schemas/backtest-view.js';
import {
  type SweepAccepted,
  type SweepResultItem,
  type SweepView,
  sweepLinksFor,
} from '../../schemas/sweep-view.js';
import type { Principal } from './api-keys.js';
import type { BacktestService } from './backtest-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    sweeps: SweepService;
  }
}

/** A submit that cannot reach Redis in this time answers 503 rather than hang. */
const ENQUEUE_TIMEOUT_MS = 3_000;
/** A cancel's Redis writes (event, notifications) wait at most this long: the store has decided. */
const END_REDIS_TIMEOUT_MS = 1_000;

export interface SweepServiceDeps {
  store: Store;
  queues: Queues;
  config: Config;
  marketData: MarketDataCache;
  backtests: BacktestService;
  /** For the terminal event of /ws/sweep/:id when the api ends a sweep (cancel, delete). */
  publisher: BacktestEventPublisher;
  log: FastifyBaseLogger;
}

/**
 * The combinations of a sweep and the first one prepared as a standalone backtest, so a sweep
 * the engine would refuse is a 400 here: an unknown strategy, a grid value off the parameter
 * schema, simulation settings the engine refuses, no combination the strategy accepts.
 */
function plan(request: SweepRequest): {
  plan: SweepPlan;
  first: ReturnType<typeof prepareBacktest>;
} {
  const fixed = comboRequest(request, request.strategy.params);
  let result: SweepPlan;
  try {
    result = planSweep({
      strategy: request.strategy.name,
      params: request.strategy.params,
      grid: request.grid,
      ...(request.search === undefined ? {} : { search: request.search }),
    });
  } catch (error) {
    throw engineRefusal(error, fixed) ?? error;
  }
  const runnable = result.runnable[0];
  if (!runnable) {
    throw createError('HS_ERR_SWEEP_EMPTY', {
      reason: `the strategy refuses every combination (${result.skipped[0]?.reason ?? 'an empty grid'})`,
    });
  }
  const combo = comboRequest(request, runnable.params);
  try {
    return { plan: result, first: prepareBacktest(combo) };
  } catch (error) {
    throw engineRefusal(error, combo) ?? error;
  }
}

/**
 * Sweeps as the routes use them: submit (checked, stored, then queued, as a backtest is), read
 * with progress counted from the stored cells, results a page at a time, cancel, delete, and
 * promoting the best combination to a full backtest.
 */
export class SweepService {
  readonly #lifecycle: SweepLifecycle;

  constructor(private readonly deps: SweepServiceDeps) {
    this.#lifecycle = new SweepLifecycle({
      store: deps.store,
      events: deps.publisher,
      notifications: deps.queues.queues.notifications,
      logger: deps.log,
      redisTimeoutMs: END_REDIS_TIMEOUT_MS,
      webhookRetry: webhookRetry(deps.config),
    });
  }

  async submit(principal: Principal, request: SweepRequest): Promise<SweepAccepted> {
    const { config, store } = this.deps;
    const limits = sweepLimits(config, principal.tier);
    const size = gridSize(request.grid);
    const requested = request.search ? Math.min(size, request.search.samples) : size;
    // Counted before expanding: a grid of 10^12 is refused without being listed.
    if (requested > limits.combos) {
      throw createError('HS_ERR_LIMIT', {
        limit: 'combinations',
        max: limits.combos,
        requested,
        tier: principal.tier,
      });
    }
    if (!Number.isSafeInteger(size)) {
      throw createError('HS_ERR_VALIDATION', { reason: `the grid has ${size} combinations` });
    }
    const { plan: combos, first } = plan(request);
    const checked = await checkMarketData(first.request, {
      cache: this.deps.marketData,
      alphaVantageConfigured: config.ALPHAVANTAGE_API_KEY !== undefined,
      limits: tierLimits(config, principal.tier),
      tier: principal.tier,
    });
    const sweepConfig: SweepRequest = { ...request, symbols: checked.request.symbols };
    const active = await store.countActiveSweeps(principal.userId);
    if (active >= limits.active) throw this.#quotaError(principal, active, limits.active);
    // A chunk scores its combinations' walk-forward in-sample runs too: they count in its bars.
    const comboBars = barsPerCombination(checked.bars, request.walkForward);
    const perChunk = Math.max(1, Math.floor(config.SWEEP_CHUNK_BARS / Math.max(1, comboBars)));
    const record = await store.createSweep({
      ownerId: principal.userId,
      name: request.name ?? `${request.strategy.name} ${sweepConfig.symbols.join(',')} sweep`,
      config: sweepConfig,
      fingerprint: fingerprintSweep(sweepConfig, fingerprintSalt()),
      combos: { total: combos.total, skipped: combos.skipped.length },
      chunks: Math.max(1, Math.ceil(combos.runnable.length / perChunk)),
    });
    // Two submits racing past the first check both land here; the later one steps back.
    if ((await store.countActiveSweeps(principal.userId)) > limits.active) {
      await store.deleteSweep(record.id);
      throw this.#quotaError(principal, active, limits.active);
    }
    try {
      await withTimeout(
        enqueueSweep(this.deps.queues, record, TIER_PRIORITY[principal.tier]),
        ENQUEUE_TIMEOUT_MS,
        'enqueueing the sweep',
      );
    } catch (error) {
      const reason = (error as Error).message;
      await this.#lifecycle.end(record.id, 'failed', {
        from: ['queued'],
        patch: { error: { code: 'HS_ERR_QUEUE_UNAVAILABLE', message: reason } },
      });
      throw createError('HS_ERR_QUEUE_UNAVAILABLE', { reason }, { cause: error });
    }
    return {
      id: record.id,
      status: record.status,
      combos: record.combos,
      links: sweepLinksFor(record.id),
    };
  }

  #quotaError(principal: Principal, active: number, limit: number) {
    return createError('HS_ERR_SWEEP_QUOTA_EXCEEDED', { active, tier: principal.tier, limit });
  }

  /** The sweep if `principal` owns it; HS_ERR_SWEEP_NOT_FOUND for anyone else. */
  async record(principal: Principal, id: string): Promise<SweepRecord> {
    const record = await this.deps.store.getSweep(id);
    if (!record || record.ownerId !== principal.userId) {
      throw createError('HS_ERR_SWEEP_NOT_FOUND', { id });
    }
    return record;
  }

  async get(principal: Principal, id: string): Promise<SweepView> {
    return this.view(await this.record(principal, id));
  }

  async view(record: SweepRecord): Promise<SweepView> {
    // Chunk 0 writes the skipped cells; before it runs they are known from the plan anyway.
    const combos = sweepComboCounts(record, await this.deps.store.countSweepCells(record.id));
    const summary = record.summary as (SweepSummary & { walkForward?: WalkForwardReport }) | null;
    return {
      id: record.id,
      name: record.name,
      status: record.status,
      config: record.config,
      progress:
        record.status === 'completed' || record.combos.total === 0
          ? 1
          : Math.min(1, combos.done / combos.total),
      combos,
      best: summary?.best ? { params: summary.best.params, stats: summary.best.stats } : null,
      leaderboard: (summary?.leaderboard ?? []).map((entry) => ({
        rank: entry.rank,
        params: entry.params,
        stats: entry.stats,
        deflatedSharpeRatio: entry.deflatedSharpeRatio,
        probabilisticSharpeRatio: entry.probabilisticSharpeRatio,
      })),
      overfitting: (summary?.overfitting ?? null) as SweepOverfitting | null,
      ...(summary?.walkForward === undefined ? {} : { walkForward: summary.walkForward }),
      error: record.error,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      links: sweepLinksFor(record.id),
    };
  }

  async list(principal: Principal, query: { limit: number; cursor?: string | undefined }) {
    const page = await this.deps.store.listSweeps(principal.userId, {
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return {
      items: await Promise.all(page.items.map((record) => this.view(record))),
      nextCursor: page.nextCursor,
    };
  }

  /** A page of every combination by index; `next` is the index to continue after. */
  async results(
    principal: Principal,
    id: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<{ record: SweepRecord; items: SweepResultItem[]; next: string | null }> {
    const record = await this.record(principal, id);
    const after = query.cursor === undefined ? -1 : Number(query.cursor);
    const cells = await this.deps.store.listSweepCells(id, {
      afterIndex: after,
      limit: query.limit,
    });
    const items = cells.map(toResultItem);
    const next = cells.length === query.limit ? String(cells[cells.length - 1]!.index) : null;
    return { record, items, next };
  }

  /**
   * Ends a queued or running sweep at once: its waiting jobs are removed, and a chunk running
   * now stops at its next batch of cells (it checks the status between batches).
   */
  async cancel(principal: Principal, id: string): Promise<SweepView> {
    const record = await this.record(principal, id);
    const cancelled = await this.#lifecycle.end(id, 'cancelled', { reason: null });
    if (!cancelled) {
      const now = await this.record(principal, id);
      throw createError('HS_ERR_SWEEP_ALREADY_TERMINAL', { id, status: now.status });
    }
    await this.#removeJobs(record);
    return this.view(cancelled);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const record = await this.record(principal, id);
    if (!isTerminalStatus(record.status)) {
      await this.#lifecycle.end(id, 'cancelled', { reason: null });
    }
    await this.#removeJobs(record);
    await this.deps.store.deleteSweep(id);
  }

  /** Submits the best combination as a full backtest, with trades and equity. */
  async promote(principal: Principal, id: string): Promise<SubmitAccepted> {
    const record = await this.record(principal, id);
    const best = (record.summary as SweepSummary | null)?.best;
    if (record.status !== 'completed' || !best) {
      throw createError('HS_ERR_SWEEP_NOT_READY', { id, status: record.status });
    }
    const request = comboRequest(record.config, best.params);
    const { accepted } = await this.deps.backtests.submit(
      principal,
      { ...request, name: `${record.name}: best` },
      null,
    );
    return accepted;
  }

  /** Best effort: a job a worker holds cannot be removed, and it stops by itself. */
  async #removeJobs(record: SweepRecord): Promise<void> {
    const queue = this.deps.queues.queues.sweeps;
    await Promise.allSettled(
      sweepJobIdsOf(record).map((jobId) =>
        withTimeout(queue.remove(jobId, { removeChildren: true }), 1_000, 'removing a job'),
      ),
    ).then((results) => {
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (failed > 0) this.deps.log.debug({ sweepId: record.id, failed }, 'jobs left to stop');
    });
  }
}

function toResultItem(cell: SweepCellRecord): SweepResultItem {
  return {
    index: cell.index,
    params: cell.params,
    status: cell.status,
    stats: cell.stats as SweepResultItem['stats'],
    error: cell.error,
  };
}

async function sweepService(fastify: FastifyInstance) {
  fastify.decorate(
    'sweeps',
    new SweepService({
      store: fastify.store,
      queues: fastify.queues,
      config: fastify.config,
      marketData: fastify.marketData,
      backtests: fastify.backtests,
      publisher: fastify.eventPublisher,
      log: fastify.log,
    }),
  );
}

export default fp(sweepService, {
  name: 'sweep-service',
  dependencies: ['config', 'store', 'queues', 'market-data', 'backtest-service', 'events'],
});
