import Type, { type Static } from 'typebox';
import { Id, IsoDateTime } from './common.js';

/** Longer messages are cut to this many characters when stored. */
export const MAX_LOG_MESSAGE = 4000;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogLevel = Type.Enum(LOG_LEVELS);
export type LogLevel = Static<typeof LogLevel>;

/** The levels at `min` or more severe: what a `level` filter of the logs keeps. */
export function levelsFrom(min: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(min));
}

export const ExecutionLogLine = Type.Object(
  {
    backtestId: Id,
    /** 1, 2, 3... per backtest, assigned by the store in the order lines were appended. */
    seq: Type.Integer({ minimum: 1 }),
    ts: IsoDateTime,
    level: LogLevel,
    message: Type.String({ maxLength: MAX_LOG_MESSAGE }),
  },
  { additionalProperties: false },
);
export type ExecutionLogLine = Static<typeof ExecutionLogLine>;

/** A line as a worker hands it to the store, which assigns `seq`. */
export type NewLogLine = Omit<ExecutionLogLine, 'backtestId' | 'seq'>;
