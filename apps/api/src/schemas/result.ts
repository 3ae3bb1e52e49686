import { CONVENTIONS, EXIT_REASONS } from '@hindsight/engine';
import { IsoDateTime } from '@hindsight/models';
import Type, { type Static, type TSchema } from 'typebox';

const Num = Type.Number();
const NullableNum = Type.Union([Type.Number(), Type.Null()]);

/** Statistics that are always defined (see Stats in @hindsight/metrics). */
const DEFINED = [
  'durationDays',
  'exposureTimePct',
  'equityFinal',
  'equityPeak',
  'commissions',
  'returnPct',
  'buyHoldReturnPct',
  'maxDrawdownPct',
  'trades',
  'longTrades',
  'longPnl',
  'shortTrades',
  'shortPnl',
  'openTrades',
] as const;

/** Statistics that are null when undefined (a Sharpe ratio of a flat curve). */
const NULLABLE = [
  'returnAnnPct',
  'volatilityAnnPct',
  'cagrPct',
  'sharpeRatio',
  'sortinoRatio',
  'calmarRatio',
  'alphaPct',
  'beta',
  'avgDrawdownPct',
  'maxDrawdownDurationDays',
  'avgDrawdownDurationDays',
  'winRatePct',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'maxTradeDurationDays',
  'avgTradeDurationDays',
  'profitFactor',
  'expectancyPct',
  'sqn',
  'kellyCriterion',
  'omegaRatio',
  'maxConsecutiveWins',
  'maxConsecutiveLosses',
  'bestDayPct',
  'worstDayPct',
  'informationRatio',
  'trackingErrorPct',
  'probabilisticSharpeRatio',
  'turnover',
  'longWinRatePct',
  'shortWinRatePct',
] as const;

function fields<const K extends readonly string[], S extends TSchema>(keys: K, schema: S) {
  return Object.fromEntries(keys.map((key) => [key, schema])) as { [P in K[number]]: S };
}

export const StatsConventions = Type.Object(
  {
    profile: Type.Enum(CONVENTIONS),
    periodsPerYear: Num,
    returnBasis: Type.Enum(['day', 'week', 'month', 'year']),
    riskFreeRate: Type.Literal(0),
    ddof: Type.Literal(1),
    annualisation: Type.Enum(['compounded', 'sqrt-time']),
    durationUnit: Type.Enum(['day', 'hour', 'minute', 'second', 'millisecond', 'microsecond']),
  },
  { additionalProperties: false },
);

/** Every statistic of a run, keyed as in BACKTESTING_PY_COMPAT.md; stats.test.ts pins it to Stats. */
export const StatsBody = Type.Object(
  {
    start: Type.String(),
    end: Type.String(),
    ...fields(DEFINED, Num),
    ...fields(NULLABLE, NullableNum),
    conventions: StatsConventions,
  },
  { additionalProperties: false },
);
export type StatsBody = Static<typeof StatsBody>;

export const ResultBody = Type.Object(
  {
    id: Type.String(),
    fingerprint: Type.String(),
    engineVersion: Type.String(),
    /** The strategy parameters the run used, defaults filled. */
    params: Type.Record(Type.String(), Type.Unknown()),
    /** Set when the result was reused from an earlier backtest with the same fingerprint. */
    reusedFrom: Type.Union([Type.String(), Type.Null()]),
    stats: StatsBody,
    conventions: StatsConventions,
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

const Series = Type.Object(
  {
    /** UTC epoch milliseconds. */
    time: Type.Array(Num),
    values: Type.Array(Num),
  },
  { additionalProperties: false },
);

export const EquityBody = Type.Object(
  {
    /** Bars in the full series. */
    points: Type.Integer({ minimum: 0 }),
    /** Whether the series below were thinned to maxPoints (M4: every bucket keeps its extremes). */
    downsampled: Type.Boolean(),
    equity: Series,
    /** Drawdown from the running peak in percent, zero or negative. */
    drawdownPct: Series,
  },
  { additionalProperties: false },
);
export type EquityBody = Static<typeof EquityBody>;

export const EquityQuery = Type.Object(
  { maxPoints: Type.Optional(Type.Integer({ minimum: 4, maximum: 1_000_000 })) },
  { additionalProperties: false },
);
