import { NullableStats, type NumericStatKey } from '@hindsight/metrics';
import Type, { type Static } from 'typebox';

export const MIN_COMPARE = 2;
export const MAX_COMPARE = 5;

// No minItems/maxItems here: a count outside 2..5 gets its own code, HS_ERR_COMPARE_COUNT.
export const CompareRequest = Type.Object(
  { ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }) },
  { additionalProperties: false },
);
export type CompareRequest = Static<typeof CompareRequest>;

const NullableNum = Type.Union([Type.Number(), Type.Null()]);

/** The headline statistics compared (keys of Stats; the schemas are StatsSchema's). */
export const COMPARED_METRICS = [
  'returnPct',
  'returnAnnPct',
  'cagrPct',
  'volatilityAnnPct',
  'sharpeRatio',
  'sortinoRatio',
  'calmarRatio',
  'maxDrawdownPct',
  'winRatePct',
  'trades',
  'profitFactor',
  'exposureTimePct',
  'equityFinal',
  'buyHoldReturnPct',
] as const satisfies readonly NumericStatKey[];

export const COMPARED_DRAWDOWN = [
  'maxDrawdownPct',
  'avgDrawdownPct',
  'maxDrawdownDurationDays',
  'avgDrawdownDurationDays',
] as const satisfies readonly NumericStatKey[];

export const CompareResponse = Type.Object(
  {
    backtests: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          strategy: Type.String(),
          symbols: Type.Array(Type.String()),
          metrics: NullableStats(COMPARED_METRICS),
          drawdown: NullableStats(COMPARED_DRAWDOWN),
        },
        { additionalProperties: false },
      ),
    ),
    correlation: Type.Object(
      {
        /** Row and column order of the matrices: the ids as requested. */
        ids: Type.Array(Type.String()),
        /** Pearson's r of daily returns over common days; null below 3 days or a flat series. */
        matrix: Type.Array(Type.Array(NullableNum)),
        /** How many common days each r is computed over. */
        days: Type.Array(Type.Array(Type.Integer({ minimum: 0 }))),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CompareResponse = Static<typeof CompareResponse>;
