import { StatsSchema } from '@hindsight/metrics';
import {
  API_PREFIX,
  BacktestFailure,
  BacktestStatus,
  IsoDateTime,
  Nullable,
  SWEEP_CELL_STATUSES,
  SweepRequest,
  WalkForwardReport,
} from '@hindsight/models';
import Type, { type Static } from 'typebox';

export const SweepLinks = Type.Object(
  {
    self: Type.String(),
    results: Type.String(),
    cancel: Type.String(),
    promote: Type.String(),
    /** The WebSocket of live events. */
    events: Type.String(),
  },
  { additionalProperties: false },
);
export type SweepLinks = Static<typeof SweepLinks>;

export function sweepLinksFor(id: string): SweepLinks {
  const self = `${API_PREFIX}/sweeps/${id}`;
  return {
    self,
    results: `${self}/results`,
    cancel: `${self}/cancel`,
    promote: `${self}/promote`,
    events: `/ws/sweep/${id}`,
  };
}

const Params = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The parameters the combination ran with, defaults filled in.',
});

const SweepCombosView = Type.Object(
  {
    /** Every combination of the grid (or sample), skipped ones included. */
    total: Type.Integer({ minimum: 0 }),
    /** Finished: completed, failed or skipped. */
    done: Type.Integer({ minimum: 0 }),
    /** Refused by the strategy's rule across parameters (fast >= slow): never run. */
    skipped: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const LeaderboardEntryView = Type.Object(
  {
    rank: Type.Integer({ minimum: 1 }),
    params: Params,
    stats: StatsSchema,
    /** P[true Sharpe > the best Sharpe this many trials reach by luck]; per-bar returns. */
    deflatedSharpeRatio: Nullable(Type.Number()),
    /** P[true Sharpe > 0], from the same per-bar returns. */
    probabilisticSharpeRatio: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);

const OverfittingView = Type.Object(
  {
    trials: Type.Integer({ minimum: 0 }),
    sharpeVariance: Nullable(Type.Number()),
    expectedMaxSharpe: Nullable(Type.Number()),
    /** Probability of backtest overfitting by CSCV over the sweep's own return matrix. */
    pbo: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    partitions: Nullable(Type.Integer()),
    splits: Nullable(Type.Integer()),
    medianLogit: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);

/** GET /sweeps/:id: the sweep, its progress and, once completed, its ranking and statistics. */
export const SweepView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: BacktestStatus,
    config: SweepRequest,
    /** Finished combinations over all of them, 0..1. */
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    combos: SweepCombosView,
    best: Nullable(
      Type.Object({ params: Params, stats: StatsSchema }, { additionalProperties: false }),
    ),
    /** The top 20 by the objective once the sweep completed; empty before. */
    leaderboard: Type.Array(LeaderboardEntryView),
    overfitting: Nullable(OverfittingView),
    /** With `walkForward` in the request, once completed: per-fold choices, stitched out-of-sample result. */
    walkForward: Type.Optional(WalkForwardReport),
    error: Nullable(BacktestFailure),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    startedAt: Nullable(IsoDateTime),
    finishedAt: Nullable(IsoDateTime),
    links: SweepLinks,
  },
  { additionalProperties: false },
);
export type SweepView = Static<typeof SweepView>;

export const SweepViewPage = Type.Object(
  {
    items: Type.Array(SweepView),
    nextCursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const SweepAccepted = Type.Object(
  {
    id: Type.String(),
    status: BacktestStatus,
    combos: Type.Object(
      { total: Type.Integer({ minimum: 0 }), skipped: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    links: SweepLinks,
  },
  { additionalProperties: false },
);
export type SweepAccepted = Static<typeof SweepAccepted>;

export const SweepResultItem = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    params: Params,
    status: Type.Enum(SWEEP_CELL_STATUSES),
    stats: Nullable(StatsSchema),
    /** Why it failed or was skipped. */
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type SweepResultItem = Static<typeof SweepResultItem>;

export const SweepResultsPage = Type.Object(
  { items: Type.Array(SweepResultItem), next: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const SweepIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const SweepResultsQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
    /** `next` of the previous page. */
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
    /** csv: every column of every combination as text/csv (or send Accept: text/csv). */
    format: Type.Optional(Type.Enum(['json', 'csv'] as const)),
  },
  { additionalProperties: false },
);

export const ListSweepsQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
