import {
  CONVENTIONS,
  DEFAULT_SIMULATION_CONFIG as DEFAULTS,
  FILL_MODES,
  SYMBOL_PATTERN,
  TIMEFRAMES,
} from '@hindsight/engine';
import Type, { type Static } from 'typebox';
import { IsoDate } from './common.js';

export const MAX_SYMBOLS = 10;
export const STRATEGY_NAME_PATTERN = '^[a-z][a-z0-9_]*$';

export const Timeframe = Type.Enum(TIMEFRAMES);
export type Timeframe = Static<typeof Timeframe>;

export const SIZING_MODES = ['fraction', 'quantity'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

/**
 * A cached name (`GOOG`, `^GSPC`, `EURUSD=X`) or `source:NAME` (`synthetic:DEMO`,
 * `alphavantage:IBM`): the grammar the market-data cache parses, so a symbol accepted here can be
 * loaded. The pattern bounds the length (a source of 1-32, a name of 1-64 characters).
 */
export const MarketSymbol = Type.String({ pattern: SYMBOL_PATTERN });

export const StrategyRef = Type.Object(
  {
    name: Type.String({ pattern: STRATEGY_NAME_PATTERN, maxLength: 64 }),
    /** Checked against the strategy's own parameter schema once the strategy is known. */
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  },
  { additionalProperties: false },
);
export type StrategyRef = Static<typeof StrategyRef>;

// Every field of a variant is required: Ajv (fastify) does not fill defaults inside anyOf, so a
// default there would make the api and the models' own parser disagree.
export const Sizing = Type.Union(
  [
    Type.Object(
      {
        mode: Type.Literal('fraction'),
        fraction: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        wholeUnits: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { mode: Type.Literal('quantity'), quantity: Type.Number({ exclusiveMinimum: 0 }) },
      { additionalProperties: false },
    ),
  ],
  { default: { ...DEFAULTS.sizing } },
);
export type Sizing = Static<typeof Sizing>;

/**
 * The body of POST /backtests. A field with a default is optional in the body and always
 * present once parsed, so the derived type is the parsed config that the record stores.
 */
export const BacktestRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      maxItems: 20,
      uniqueItems: true,
      default: [],
    }),
    strategy: StrategyRef,
    symbols: Type.Array(MarketSymbol, { minItems: 1, maxItems: MAX_SYMBOLS, uniqueItems: true }),
    timeframe: Type.Enum(TIMEFRAMES, { default: '1d' }),
    start: IsoDate,
    end: IsoDate,
    cash: Type.Number({ exclusiveMinimum: 0, maximum: 1e12, default: DEFAULTS.cash }),
    /** A fraction of notional per fill: 0.001 = 10 bps. */
    commission: Type.Number({ minimum: 0, maximum: 0.1, default: DEFAULTS.commission }),
    /** Cash per filled order. */
    commissionFixed: Type.Number({ minimum: 0, maximum: 1e6, default: DEFAULTS.commissionFixed }),
    slippageBps: Type.Number({ minimum: 0, maximum: 1000, default: DEFAULTS.slippageBps }),
    sizing: Sizing,
    fill: Type.Enum(FILL_MODES, { default: DEFAULTS.fill }),
    finalizeTrades: Type.Boolean({ default: DEFAULTS.finalizeTrades }),
    /** Percent below the entry price, e.g. 5 = close a long 5% under its entry. */
    stopLossPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    takeProfitPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
    /** hindsight is the default profile, as in the engine and the CLI; see docs/conventions.md. */
    conventions: Type.Enum(CONVENTIONS, { default: DEFAULTS.conventions }),
    /** Reuse the result of an identical completed backtest instead of running again. */
    cache: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type BacktestRequest = Static<typeof BacktestRequest>;
