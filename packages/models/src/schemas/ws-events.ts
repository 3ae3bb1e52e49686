import Type, { type Static, type TSchema } from 'typebox';
import { BacktestFailure, BacktestRecord, BacktestSummary } from './backtest-record.js';
import { BacktestStatus, BacktestStep } from './backtest-status.js';
import { IsoDateTime, Nullable } from './common.js';
import { ExecutionLogLine } from './execution-log.js';

export const BACKTEST_EVENT_TYPES = [
  'snapshot',
  'progress',
  'log',
  'status',
  'completed',
  'failed',
  'cancelled',
] as const;
export type BacktestEventType = (typeof BACKTEST_EVENT_TYPES)[number];

/** `{ type, seq, ts, data }`: seq grows by one per event of a backtest, so `?after=<seq>` resumes. */
function Envelope<const T extends BacktestEventType, D extends TSchema>(type: T, data: D) {
  return Type.Object(
    {
      type: Type.Literal(type),
      seq: Type.Integer({ minimum: 0 }),
      ts: IsoDateTime,
      data,
    },
    { additionalProperties: false },
  );
}

export const ProgressData = Type.Object(
  {
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    step: BacktestStep,
    message: Nullable(Type.String()),
    barsProcessed: Nullable(Type.Integer({ minimum: 0 })),
    equity: Nullable(Type.Number()),
    /**
     * Set on the event that announces a simulation going on from a checkpoint (its worker was
     * lost): the first bar this attempt computes; the bars before it were the earlier attempt's.
     */
    resumedFromBar: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ProgressData = Static<typeof ProgressData>;

export const SnapshotEvent = Envelope('snapshot', BacktestRecord);
export const ProgressEvent = Envelope('progress', ProgressData);
export const LogEvent = Envelope('log', ExecutionLogLine);
export const StatusEvent = Envelope(
  'status',
  Type.Object({ status: BacktestStatus, step: Nullable(BacktestStep) }),
);
export const CompletedEvent = Envelope('completed', Type.Object({ summary: BacktestSummary }));
export const FailedEvent = Envelope('failed', Type.Object({ error: BacktestFailure }));
export const CancelledEvent = Envelope(
  'cancelled',
  Type.Object({ reason: Nullable(Type.String()) }),
);

export const BacktestEvent = Type.Union([
  SnapshotEvent,
  ProgressEvent,
  LogEvent,
  StatusEvent,
  CompletedEvent,
  FailedEvent,
  CancelledEvent,
]);
export type BacktestEvent = Static<typeof BacktestEvent>;
export type BacktestEventOf<T extends BacktestEventType> = Extract<BacktestEvent, { type: T }>;

/* The live channel of a sweep, /ws/sweep/:id: the same envelope and seq rules as a backtest's. */

export const SWEEP_EVENT_TYPES = [
  'snapshot',
  'progress',
  'leaderboard',
  'completed',
  'failed',
  'cancelled',
] as const;
export type SweepEventType = (typeof SWEEP_EVENT_TYPES)[number];

function SweepEnvelope<const T extends SweepEventType, D extends TSchema>(type: T, data: D) {
  return Type.Object(
    { type: Type.Literal(type), seq: Type.Integer({ minimum: 0 }), ts: IsoDateTime, data },
    { additionalProperties: false },
  );
}

const SweepParams = Type.Record(Type.String(), Type.Unknown());

/** Combination counts as GET /sweeps/:id gives them, at the moment of the event. */
export const SweepProgressData = Type.Object(
  {
    /** done / total, 0..1. */
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    total: Type.Integer({ minimum: 0 }),
    /** Finished: completed, failed or skipped. */
    done: Type.Integer({ minimum: 0 }),
    skipped: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SweepProgressData = Static<typeof SweepProgressData>;

/**
 * The best combinations finished so far, ranked by the objective alone (the trial-aware
 * statistics need every combination and come with GET /sweeps/:id once the sweep completed).
 */
export const SweepLeaderboardData = Type.Object(
  {
    objective: Type.String(),
    direction: Type.Union([Type.Literal('max'), Type.Literal('min')]),
    /** Completed combinations ranked (those with a null objective are not). */
    ranked: Type.Integer({ minimum: 0 }),
    entries: Type.Array(
      Type.Object(
        {
          rank: Type.Integer({ minimum: 1 }),
          /** The combination's index in the grid, as in GET /sweeps/:id/results. */
          index: Type.Integer({ minimum: 0 }),
          params: SweepParams,
          /** The objective's value. */
          value: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SweepLeaderboardData = Static<typeof SweepLeaderboardData>;

export const SweepSnapshotEvent = SweepEnvelope(
  'snapshot',
  Type.Record(Type.String(), Type.Unknown(), { description: 'The GET /sweeps/:id view.' }),
);
export const SweepProgressEvent = SweepEnvelope('progress', SweepProgressData);
export const SweepLeaderboardEvent = SweepEnvelope('leaderboard', SweepLeaderboardData);
export const SweepCompletedEvent = SweepEnvelope(
  'completed',
  Type.Object(
    { best: Nullable(Type.Object({ params: SweepParams }, { additionalProperties: false })) },
    { additionalProperties: false },
  ),
);
export const SweepFailedEvent = SweepEnvelope('failed', Type.Object({ error: BacktestFailure }));
export const SweepCancelledEvent = SweepEnvelope(
  'cancelled',
  Type.Object({ reason: Nullable(Type.String()) }),
);

export const SweepEvent = Type.Union([
  SweepSnapshotEvent,
  SweepProgressEvent,
  SweepLeaderboardEvent,
  SweepCompletedEvent,
  SweepFailedEvent,
  SweepCancelledEvent,
]);
export type SweepEvent = Static<typeof SweepEvent>;
export type SweepEventOf<T extends SweepEventType> = Extract<SweepEvent, { type: T }>;
