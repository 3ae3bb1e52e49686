import { type NumericStatKey, StatsSchema } from '@hindsight/metrics';
import Type, { type Static, type TSchema } from 'typebox';
import { BacktestFailure } from './backtest-record.js';
import { BacktestRequest } from './backtest-request.js';
import { BacktestStatus } from './backtest-status.js';
import { Id, IsoDateTime, Nullable } from './common.js';
import { WalkForwardSpec } from './walk-forward.js';

function isNumeric(schema: TSchema): boolean {
  const s = schema as { type?: unknown; anyOf?: TSchema[] };
  if (s.type === 'number' || s.type === 'integer') return true;
  return Array.isArray(s.anyOf) && s.anyOf.some(isNumeric);
}

/** Every numeric statistic of a run: what a sweep may rank by. */
export const OBJECTIVE_KEYS = Object.keys(StatsSchema.properties).filter((key) =>
  isNumeric(StatsSchema.properties[key as keyof typeof StatsSchema.properties]),
) as NumericStatKey[];

export const MAX_GRID_PARAMS = 10;
export const MAX_GRID_VALUES = 1_000;
export const MAX_SEARCH_SAMPLES = 1_000_000;
/** Seeds of a random search are unsigned 32-bit integers (mulberry32's state). */
export const MAX_SEARCH_SEED = 4_294_967_295;

const ObjectiveKey = Type.Enum(OBJECTIVE_KEYS as [NumericStatKey, ...NumericStatKey[]]);

export const SweepObjectiveSpec = Type.Union(
  [
    ObjectiveKey,
    Type.Object(
      { key: ObjectiveKey, direction: Type.Enum(['max', 'min'] as const) },
      { additionalProperties: false },
    ),
  ],
  {
    default: 'sharpeRatio',
    description: 'A statistic to maximise, or { key, direction } (direction min: drawdown, say).',
  },
);
export type SweepObjectiveSpec = Static<typeof SweepObjectiveSpec>;

/** A sweep's objective in full: a bare statistic is maximised. */
export function sweepObjective(spec: SweepObjectiveSpec): {
  key: NumericStatKey;
  direction: 'max' | 'min';
} {
  return typeof spec === 'string' ? { key: spec, direction: 'max' } : spec;
}

/**
 * The body of POST /sweeps: a backtest request (whose strategy params are the fixed ones) plus
 * the grid of values to try per parameter, optionally sampled at random, and the objective.
 */
export const SweepRequest = Type.Object(
  {
    ...BacktestRequest.properties,
    grid: Type.Record(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
      Type.Array(Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 64 })]), {
        minItems: 1,
        maxItems: MAX_GRID_VALUES,
      }),
      { minProperties: 1, maxProperties: MAX_GRID_PARAMS },
    ),
    search: Type.Optional(
      Type.Object(
        {
          mode: Type.Literal('random'),
          samples: Type.Integer({ minimum: 1, maximum: MAX_SEARCH_SAMPLES }),
          seed: Type.Integer({ minimum: 0, maximum: MAX_SEARCH_SEED }),
        },
        { additionalProperties: false },
      ),
    ),
    objective: SweepObjectiveSpec,
    walkForward: Type.Optional(WalkForwardSpec),
  },
  { additionalProperties: false },
);
export type SweepRequest = Static<typeof SweepRequest>;

export const SweepCombos = Type.Object(
  {
    /** Every combination of the grid (or of the random sample), skipped ones included. */
    total: Type.Integer({ minimum: 0 }),
    /** Those the strategy refuses (fast >= slow): counted, never run. */
    skipped: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** A sweep as the store keeps it; `summary` is the leaderboard, best and overfitting once done. */
export const SweepRecord = Type.Object(
  {
    id: Id,
    ownerId: Type.String({ minLength: 1 }),
    name: Type.String(),
    config: SweepRequest,
    status: BacktestStatus,
    /** Equal for sweeps that must produce equal results. */
    fingerprint: Type.String({ minLength: 1 }),
    combos: SweepCombos,
    /** Simulation jobs the combinations are spread over. */
    chunks: Type.Integer({ minimum: 1 }),
    summary: Nullable(Type.Unknown()),
    error: Nullable(BacktestFailure),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    startedAt: Nullable(IsoDateTime),
    finishedAt: Nullable(IsoDateTime),
  },
  { additionalProperties: false },
);
export type SweepRecord = Static<typeof SweepRecord>;

export const SWEEP_CELL_STATUSES = ['completed', 'failed', 'skipped'] as const;
export type SweepCellStatus = (typeof SWEEP_CELL_STATUSES)[number];

/** One combination of a sweep as stored: its statistics (a completed one) and its trial summary. */
export interface SweepCellRecord {
  index: number;
  /** The fingerprint of a standalone backtest with these parameters: the cache key. */
  fingerprint: string;
  params: Record<string, unknown>;
  status: SweepCellStatus;
  /** Stats of the run (completed), else null. */
  stats: Record<string, unknown> | null;
  /** The run's TrialSummary (completed), else null. */
  trial: Record<string, unknown> | null;
  /** Why it failed or was skipped. */
  error: string | null;
  /**
   * Its objective on every fold's in-sample window, when the sweep has a walk-forward: what the
   * walk-forward ranks the combinations by, computed by the chunk that computed (or reused) the
   * cell. Absent on a sweep without one, and on a skipped cell.
   */
  inSample?: InSampleScores;
}

/**
 * A combination's objective on each fold's in-sample window (`values[fold]`, null where it is
 * undefined or the run fails), under one walk-forward scoring (walkForwardScoring).
 */
export interface InSampleScores {
  scoring: string;
  values: Array<number | null>;
}
