import { NullableStats, type NumericStatKey } from '@hindsight/metrics';
import Type, { type Static } from 'typebox';
import { BacktestRequest } from './backtest-request.js';
import { BacktestStatus, BacktestStep } from './backtest-status.js';
import { Id, IsoDateTime, Nullable } from './common.js';

/**
 * The headline statistics kept on the record and sent when a run completes (keys of Stats, their
 * schemas StatsSchema's); the full set lives in the result artifacts. `null` where a statistic is
 * undefined.
 */
export const SUMMARY_STATS = [
  'returnPct',
  'sharpeRatio',
  'maxDrawdownPct',
  'trades',
  'winRatePct',
  'equityFinal',
] as const satisfies readonly NumericStatKey[];

export const BacktestSummary = NullableStats(SUMMARY_STATS);
export type BacktestSummary = Static<typeof BacktestSummary>;

export const BacktestFailure = Type.Object(
  { code: Type.String({ minLength: 1 }), message: Type.String() },
  { additionalProperties: false },
);
export type BacktestFailure = Static<typeof BacktestFailure>;

export const BacktestRecord = Type.Object(
  {
    id: Id,
    ownerId: Type.String({ minLength: 1 }),
    name: Type.String(),
    tags: Type.Array(Type.String()),
    config: BacktestRequest,
    status: BacktestStatus,
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    /** null until the first step starts. */
    step: Nullable(BacktestStep),
    queuedAt: IsoDateTime,
    startedAt: Nullable(IsoDateTime),
    finishedAt: Nullable(IsoDateTime),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    summary: Nullable(BacktestSummary),
    error: Nullable(BacktestFailure),
    /** Equal for configs that must produce equal results (see fingerprintConfig). */
    fingerprint: Type.String({ minLength: 1 }),
    idempotencyKey: Nullable(Type.String()),
    /** How many times a worker has started this backtest. */
    attempts: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type BacktestRecord = Static<typeof BacktestRecord>;
