import Type, { type Static } from 'typebox';
import { BacktestSummary } from './backtest-record.js';
import { BacktestStatus } from './backtest-status.js';
import { Id, IsoDateTime, Nullable } from './common.js';

/** What GET /analytics/performance-stats needs of each backtest (Store#listSummaries). */
export const BacktestSummaryRow = Type.Object({
  id: Id,
  status: BacktestStatus,
  strategy: Type.String(),
  createdAt: IsoDateTime,
  /** The run's total return in percent; null unless completed with a defined return. */
  returnPct: BacktestSummary.properties.returnPct,
});
export type BacktestSummaryRow = Static<typeof BacktestSummaryRow>;

const Count = Type.Integer({ minimum: 0 });

export const PerformanceStats = Type.Object({
  totals: Type.Object({
    all: Count,
    queued: Count,
    running: Count,
    completed: Count,
    failed: Count,
    cancelled: Count,
  }),
  /** completed / (completed + failed); cancelled runs are the caller's choice, not failures. */
  successRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  /** Over completed runs with a defined return; null when there are none. */
  returns: Type.Object({
    averagePct: Nullable(Type.Number()),
    bestPct: Nullable(Type.Number()),
    worstPct: Nullable(Type.Number()),
    bestId: Nullable(Id),
    worstId: Nullable(Id),
  }),
  /** Equal-width bins over the same returns: [fromPct, toPct), the last bin closed. */
  histogram: Type.Array(
    Type.Object({ fromPct: Type.Number(), toPct: Type.Number(), count: Count }),
  ),
  /** Per UTC month of creation, oldest first; months with no backtests are left out. */
  monthly: Type.Array(
    Type.Object({
      month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
      total: Count,
      completed: Count,
      failed: Count,
      averageReturnPct: Nullable(Type.Number()),
    }),
  ),
});
export type PerformanceStats = Static<typeof PerformanceStats>;
