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
