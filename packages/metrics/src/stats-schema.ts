import { BACKTESTING_PY_RELEASE, CONVENTIONS } from '@hindsight/engine';
import Type, { type Static, type TNull, type TSchema, type TUnion } from 'typebox';

/**
 * The statistics' contract: every key, its type, whether it may be null, and what it means. The
 * `Stats` type, the REST and WebSocket schemas, the artifacts and the table of
 * docs/statistics.md (scripts/write-stats-docs.ts) all derive from the schemas below.
 *
 * Notation of the descriptions (docs/statistics.md explains it): `E` equity at each bar's close,
 * `C` the benchmark's closes, `N` bars, `w` the warm-up bar, `t0`, `t1` the first and last
 * timestamps, `r` the period returns, `A` the periods per year, `g` the geometric mean period
 * return.
 */

const UNITS = {
  time: 'ISO 8601 UTC',
  days: 'days',
  percent: 'percent (× 100)',
  cash: 'account currency',
  count: 'count',
  ratio: 'plain number',
  probability: 'probability, 0 to 1',
} as const;

/** What a statistic is, then its unit, as the last sentence: `Unit: <unit>.` */
function described(unit: keyof typeof UNITS, text: string): string {
  return `${text} Unit: ${UNITS[unit]}.`;
}

/** A statistic that is null where it is undefined for the input (never 0 or NaN). */
function OrNull<T extends TSchema>(schema: T, description: string): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()], { description });
}

const Count = (text: string) => Type.Integer({ minimum: 0, description: described('count', text) });
const Percent = (text: string) => Type.Number({ description: described('percent', text) });
const Cash = (text: string) => Type.Number({ description: described('cash', text) });
const NullablePercent = (text: string) => OrNull(Type.Number(), described('percent', text));
const NullableRatio = (text: string) => OrNull(Type.Number(), described('ratio', text));
const NullableDays = (text: string) => OrNull(Type.Number(), described('days', text));
const NullableCount = (text: string) =>
  OrNull(Type.Integer({ minimum: 0 }), described('count', text));
/** A share of some trades. */
const NullableRate = (text: string) =>
  OrNull(Type.Number({ minimum: 0, maximum: 100 }), described('percent', text));

export const ReturnBasisSchema = Type.Enum(['day', 'week', 'month', 'year'], {
  description:
    'The calendar bucket equity is resampled to before period returns are taken: `day`, `week`, `month` or `year`.',
});
export type ReturnBasis = Static<typeof ReturnBasisSchema>;

export const DurationUnitSchema = Type.Enum(
  ['day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'],
  {
    description:
      'Durations are rounded **up** to a whole number of this unit (`day`, `hour`, `minute`, ...); they are always reported in days.',
  },
);
export type DurationUnit = Static<typeof DurationUnitSchema>;

export const StatsConventionsSchema = Type.Object(
  {
    profile: Type.Enum(CONVENTIONS, {
      description:
        '`backtesting.py` (reproduces backtesting.py 0.6.6 `compute_stats`) or `hindsight` (the default).',
    }),
    reproduces: Type.Union([Type.Literal(BACKTESTING_PY_RELEASE), Type.Null()], {
      description: `The library and exact release the profile reproduces: \`${BACKTESTING_PY_RELEASE}\` under \`backtesting.py\`, null under \`hindsight\`.`,
    }),
    periodsPerYear: Type.Number({
      description:
        'A: 52 for weekly, 12 for monthly, 1 for yearly data, else 365 with weekend bars or 252 (see "Periods" in docs/statistics.md).',
    }),
    returnBasis: ReturnBasisSchema,
    riskFreeRate: Type.Literal(0, { description: 'Always `0`.' }),
    ddof: Type.Literal(1, { description: 'Always `1` (sample variance).' }),
    annualisation: Type.Enum(['compounded', 'sqrt-time'], {
      description:
        '`compounded` when volatility is `√((var(r) + (1+g)²)^A - (1+g)^(2A))` (backtesting.py), `sqrt-time` when it is `std(r)·√A` (hindsight); both annualise returns as `(1+g)^A - 1`.',
    }),
    durationUnit: DurationUnitSchema,
  },
  { additionalProperties: false, description: 'How the numbers of a run were computed.' },
);
export type StatsConventions = Static<typeof StatsConventionsSchema>;

/**
 * Every statistic of a run, keyed as docs/statistics.md lists them. Percentages are × 100; an
 * undefined value is `null`, never 0 or NaN. Where the profiles differ, a description names both.
 */
export const StatsSchema = Type.Object(
  {
    start: Type.String({
      format: 'date-time',
      description: described('time', "`t0`, the first bar's time."),
    }),
    end: Type.String({
      format: 'date-time',
      description: described('time', "`t1`, the last bar's time."),
    }),
    durationDays: Type.Number({ description: described('days', '`t1 - t0` in days, unrounded.') }),
    exposureTimePct: Percent(
      "Bars inside `[entryBar, exitBar]` of any closed trade / N × 100; open trades are not counted (backtesting.py's `finalize_trades=False`).",
    ),
    equityFinal: Cash('`E[N-1]`.'),
    equityPeak: Cash('`max(E)`.'),
    commissions: Cash('Σ `commission` of the closed trades (0 without trades).'),
    returnPct: Percent('`(E[N-1] - E[0]) / E[0] × 100`.'),
    buyHoldReturnPct: Percent('`(C[N-1] - C[w]) / C[w] × 100`, from the warm-up bar.'),
    returnAnnPct: NullablePercent(
      '`((1+g)^A - 1) × 100`, g the geometric mean period return: backtesting.py 0.6.6 averages `log(1+r)` over the n returns (0 once one is ≤ -100 %), hindsight takes the plain geometric mean. Null without a period return.',
    ),
    volatilityAnnPct: NullablePercent(
      'backtesting.py: `√((var(r) + (1+g)²)^A - (1+g)^(2A)) × 100`; hindsight: `std(r)·√A × 100`.',
    ),
    cagrPct: NullablePercent(
      '`((E[N-1]/E[0])^(1/years) - 1) × 100`; `years` = calendar years of 365.25 days of `t1 - t0` (backtesting.py: `(days + seconds/86400) / 365.25`, the sub-second part dropped). Null over zero time.',
    ),
    sharpeRatio: NullableRatio(
      'backtesting.py: `returnAnnPct / volatilityAnnPct`; hindsight: `mean(r) / std(r) · √A`. Null when the denominator is 0.',
    ),
    sortinoRatio: NullableRatio(
      '`D = √(mean(min(r,0)²))` over all returns; backtesting.py: `((1+g)^A - 1) / (D·√A)`; hindsight: `mean(r)·√A / D`. Null when D = 0.',
    ),
    calmarRatio: NullableRatio(
      'backtesting.py: `((1+g)^A - 1) / maxDD`; hindsight: `CAGR / maxDD` (fractions). Null when maxDD = 0.',
    ),
    alphaPct: NullablePercent('`returnPct - beta · buyHoldReturnPct`; null when beta is.'),
    beta: NullableRatio(
      '`cov(le, lm) / var(lm)`, `le = log(E[t]/E[t-1])`, `lm = log(C[t]/C[t-1])` over all bars, ddof 1. Null with fewer than 2 returns or a flat C.',
    ),
    maxDrawdownPct: Percent(
      "`-max(dd) × 100`, `dd[t] = 1 - E[t] / max(E[0..t])`: zero or negative, like backtesting.py's `Max. Drawdown [%]` (0 for a curve that never falls).",
    ),
    avgDrawdownPct: NullablePercent(
      '`-mean(depth of each drawdown period) × 100`; with no period, `-dd[N-1] × 100` if the last bar dips, else null.',
    ),
    maxDrawdownDurationDays: NullableDays(
      'Longest drawdown period, rounded up to `durationUnit`, in days. Null with no period.',
    ),
    avgDrawdownDurationDays: NullableDays(
      'Mean drawdown period, rounded up to `durationUnit`, in days. Null with no period.',
    ),
    trades: Count('Number of closed trades.'),
    winRatePct: NullableRate('Share of closed trades with `pnl > 0` × 100.'),
    bestTradePct: NullablePercent(
      "`max(R)` of the closed trades × 100 (`R` a trade's return as a fraction, its `returnPct` / 100).",
    ),
    worstTradePct: NullablePercent('`min(R)` of the closed trades × 100.'),
    avgTradePct: NullablePercent(
      "Geometric mean of the trades' `R` × 100; backtesting.py: 0 if a return is ≤ -100 %; hindsight: -100 if one is exactly -100 %, null below.",
    ),
    maxTradeDurationDays: NullableDays(
      '`max(exitTime - entryTime)`, rounded up to `durationUnit`, in days.',
    ),
    avgTradeDurationDays: NullableDays(
      '`mean(exitTime - entryTime)`, rounded up to `durationUnit`, in days.',
    ),
    profitFactor: NullableRatio('`Σ R>0 / abs(Σ R<0)` (returns, not cash). Null without a loss.'),
    expectancyPct: NullablePercent('`mean(R) × 100`.'),
    sqn: NullableRatio('`√n · mean(pnl) / std(pnl, ddof 1)`. Null for n < 2.'),
    kellyCriterion: NullableRatio(
      '`W - (1 - W) / (mean winning pnl / abs(mean losing pnl))`, W the win rate. Null without both a win and a loss.',
    ),
    omegaRatio: NullableRatio('`Σ max(r,0) / Σ max(-r,0)` over the period returns (threshold 0).'),
    maxConsecutiveWins: NullableCount(
      'Longest run of closed trades (in exit order) with `pnl > 0`; a 0 pnl breaks it.',
    ),
    maxConsecutiveLosses: NullableCount(
      'Longest run of closed trades (in exit order) with `pnl < 0`; a 0 pnl breaks it.',
    ),
    bestDayPct: NullablePercent('`max(r) × 100` (per `returnBasis` period).'),
    worstDayPct: NullablePercent('`min(r) × 100` (per `returnBasis` period).'),
    informationRatio: NullableRatio(
      '`mean(a) / std(a) · √A`, `a = r - r_B`, `r_B` the period returns of buying and holding C from bar w (value `C[max(t, w)]`, resampled the same way).',
    ),
    trackingErrorPct: NullablePercent('`std(a)·√A × 100`, a as for `informationRatio`.'),
    probabilisticSharpeRatio: OrNull(
      Type.Number({ minimum: 0, maximum: 1 }),
      described(
        'probability',
        '`Φ(SR·√(n-1) / √(1 - γ3·SR + (γ4-1)/4·SR²))` (Bailey & López de Prado 2012, benchmark Sharpe 0), `SR = mean(r)/std(r)` per period, `γ3 = m3/m2^1.5`, `γ4 = m4/m2²` (population moments, γ4 not excess). Null for n < 2, std 0 or a non-positive radicand.',
      ),
    ),
    turnover: NullableRatio(
      'Traded notional / `mean(E)`: `Σ abs(size)·(entryPrice + exitPrice)` over the closed trades plus `Σ abs(size)·entryPrice` over the open ones; not annualised.',
    ),
    longTrades: Count('Closed trades with `size > 0`.'),
    longWinRatePct: NullableRate('Share of the long trades with `pnl > 0` × 100.'),
    longPnl: Cash('Σ `pnl` of the long trades.'),
    shortTrades: Count('Closed trades with `size < 0`.'),
    shortWinRatePct: NullableRate('Share of the short trades with `pnl > 0` × 100.'),
    shortPnl: Cash('Σ `pnl` of the short trades.'),
    openTrades: Count('Trades still open after the last bar.'),
    conventions: StatsConventionsSchema,
  },
  {
    additionalProperties: false,
    description:
      'Every statistic of a run (docs/statistics.md). Percentages are × 100; an undefined value is `null`, never 0 or NaN.',
  },
);
export type Stats = Static<typeof StatsSchema>;

/** The statistics that are numbers: every key but `start`, `end` and `conventions`. */
export type NumericStatKey = {
  [K in keyof Stats]: Stats[K] extends number | null ? K : never;
}[keyof Stats];

type StatSchemas = (typeof StatsSchema)['properties'];
type TOrNull<T extends TSchema> = T extends TUnion ? T : TUnion<[T, TNull]>;

/**
 * The schema of an object holding some statistics, each admitting null even where computeStats
 * always defines it: the compare response and a record's summary have always been nullable
 * throughout, and their shape is kept.
 */
export function NullableStats<const K extends readonly NumericStatKey[]>(keys: K) {
  const properties = Object.fromEntries(
    keys.map((key) => {
      const schema: TSchema = StatsSchema.properties[key];
      return [key, Type.IsUnion(schema) ? schema : Type.Union([schema, Type.Null()])];
    }),
  );
  return Type.Object(properties as { [P in K[number]]: TOrNull<StatSchemas[P]> }, {
    additionalProperties: false,
  });
}

/** The statistics `keys` of `stats`, in that order. */
export function pickStats<const K extends readonly (keyof Stats)[]>(
  stats: Stats,
  keys: K,
): Pick<Stats, K[number]> {
  return Object.fromEntries(keys.map((key) => [key, stats[key]])) as Pick<Stats, K[number]>;
}
