import { StatsSchema } from '@hindsight/metrics';
import Type, { type Static } from 'typebox';

export const MAX_WALK_FORWARD_FOLDS = 20;
export const WALK_FORWARD_MODES = ['rolling', 'anchored'] as const;
/** What a walk-forward request leaves out: the api fills these in, the local sweep too. */
export const WALK_FORWARD_DEFAULTS = { mode: 'rolling', inSampleFraction: 0.75 } as const;

/** Walk-forward analysis of a sweep's grid; docs/statistics.md defines the windows. */
export const WalkForwardSpec = Type.Object(
  {
    /** Out-of-sample windows, each after its own in-sample one. */
    folds: Type.Integer({ minimum: 2, maximum: MAX_WALK_FORWARD_FOLDS }),
    /** rolling: in-sample windows of one length slide with the folds; anchored: all start at the first bar. */
    mode: Type.Enum(WALK_FORWARD_MODES, { default: WALK_FORWARD_DEFAULTS.mode }),
    /** The in-sample share of one fold's bars (in-sample plus out-of-sample). */
    inSampleFraction: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: WALK_FORWARD_DEFAULTS.inSampleFraction,
    }),
  },
  { additionalProperties: false },
);
export type WalkForwardSpec = Static<typeof WalkForwardSpec>;

/**
 * What a combination's in-sample scores depend on besides its cell's fingerprint (its bars and
 * simulation): the windows (the spec) and the statistic scored (the objective's key; its
 * direction only ranks). Scores are reused from the cell cache only under the same scoring.
 */
export function walkForwardScoring(spec: WalkForwardSpec, objectiveKey: string): string {
  return JSON.stringify([spec.folds, spec.mode, spec.inSampleFraction, objectiveKey]);
}

const BarWindowView = Type.Object(
  {
    /** The window's first and last bar, both inclusive; 0 is the sweep's first bar. */
    firstBar: Type.Integer({ minimum: 0 }),
    lastBar: Type.Integer({ minimum: 0 }),
    /** Times of those bars, ISO 8601. */
    start: Type.String(),
    end: Type.String(),
  },
  { additionalProperties: false },
);

export const WalkForwardFoldReport = Type.Object(
  {
    fold: Type.Integer({ minimum: 0 }),
    inSample: BarWindowView,
    outOfSample: BarWindowView,
    /** The combination ranked first by the objective on the in-sample window (its grid index). */
    index: Type.Integer({ minimum: 0 }),
    params: Type.Record(Type.String(), Type.Unknown()),
    /** Its objective there. */
    inSampleObjective: Type.Number(),
    /** Combinations whose objective was defined on the in-sample window. */
    candidates: Type.Integer({ minimum: 1 }),
    inSampleStats: StatsSchema,
    /** A run over the out-of-sample window alone whose signals saw the bars before it. */
    outOfSampleStats: StatsSchema,
    /** outOfSampleStats.cagrPct / inSampleStats.cagrPct; null unless the in-sample CAGR is > 0. */
    efficiency: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type WalkForwardFoldReport = Static<typeof WalkForwardFoldReport>;

/** The walk-forward analysis of a completed sweep: per-fold choices and the stitched result. */
export const WalkForwardReport = Type.Object(
  {
    mode: WalkForwardSpec.properties.mode,
    inSampleFraction: Type.Number(),
    objective: Type.Object(
      { key: Type.String(), direction: Type.Enum(['max', 'min'] as const) },
      { additionalProperties: false },
    ),
    /** Bars in the first in-sample window (in every one when rolling). */
    inSampleBars: Type.Integer({ minimum: 2 }),
    /** Bars in every out-of-sample window. */
    outOfSampleBars: Type.Integer({ minimum: 2 }),
    folds: Type.Array(WalkForwardFoldReport),
    /** Statistics of the stitched out-of-sample equity. */
    stats: StatsSchema,
    /** Walk-forward efficiency: stitched out-of-sample CAGR / mean in-sample CAGR of the choices. */
    efficiency: Type.Union([Type.Number(), Type.Null()]),
    /** The stitched out-of-sample equity (M4-thinned past 2,000 points). */
    equity: Type.Object(
      {
        /** Bars in the full stitched series. */
        points: Type.Integer({ minimum: 0 }),
        downsampled: Type.Boolean(),
        /** UTC epoch milliseconds. */
        time: Type.Array(Type.Number()),
        equity: Type.Array(Type.Number()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type WalkForwardReport = Static<typeof WalkForwardReport>;
