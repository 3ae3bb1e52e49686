import { EXIT_REASONS } from '@hindsight/engine';
import { StatsConventionsSchema, StatsSchema } from '@hindsight/metrics';
import { ExecutionLogLine, IsoDateTime } from '@hindsight/models';
import Type, { type Static } from 'typebox';

const Num = Type.Number();

export const ResultBody = Type.Object(
  {
    id: Type.String(),
    fingerprint: Type.String(),
    engineVersion: Type.String(),
    /** The strategy parameters the run used, defaults filled. */
    params: Type.Record(Type.String(), Type.Unknown()),
    /** Set when the result was reused from an earlier backtest with the same fingerprint. */
    reusedFrom: Type.Union([Type.String(), Type.Null()]),
    /** Every statistic, as StatsSchema of @hindsight/metrics defines it. */
    stats: StatsSchema,
    conventions: StatsConventionsSchema,
  },
  { additionalProperties: false },
);
export type ResultBody = Static<typeof ResultBody>;

export const TradeBody = Type.Object(
  {
    symbol: Type.String(),
    size: Num,
    entryBar: Type.Integer(),
    exitBar: Type.Integer(),
    /** ISO 8601 UTC, like every instant of a record. */
    entryTime: IsoDateTime,
    exitTime: IsoDateTime,
    entryPrice: Num,
    exitPrice: Num,
    pnl: Num,
    commission: Num,
    /** A percent: 5 = 5 %. */
    returnPct: Num,
    exitReason: Type.Enum(EXIT_REASONS),
  },
  { additionalProperties: false },
);

export const TradesBody = Type.Object(
  {
    trades: Type.Array(TradeBody),
    /** Still open after the last bar, marked at the last close. */
    openTrades: Type.Array(TradeBody),
  },
  { additionalProperties: false },
);
export type TradesBody = Static<typeof TradesBody>;

export const EquityBody = Type.Object(
  {
    /** Bars in the full series. */
    points: Type.Integer({ minimum: 0 }),
    /**
     * Whether the columns were thinned to maxPoints (M4: every bucket keeps its first and last
     * point and the extremes of equity and of drawdown).
     */
    downsampled: Type.Boolean(),
    /** UTC epoch milliseconds: the one time axis of both series. */
    time: Type.Array(Num),
    equity: Type.Array(Num),
    /** Drawdown from the running peak in percent, zero or negative. */
    drawdownPct: Type.Array(Num),
  },
  { additionalProperties: false },
);
export type EquityBody = Static<typeof EquityBody>;

export const EquityQuery = Type.Object(
  // 6: M4 keeps a bucket's first and last point and the extremes of both series.
  { maxPoints: Type.Optional(Type.Integer({ minimum: 6, maximum: 1_000_000 })) },
  { additionalProperties: false },
);

/** A page of execution log lines. */
export const LogsPage = Type.Object(
  {
    items: Type.Array(ExecutionLogLine),
    /** Pass as `after` for the next page; null when this page is empty. */
    nextAfter: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);
