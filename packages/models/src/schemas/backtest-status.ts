import Type, { type Static } from 'typebox';

export const BACKTEST_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const BacktestStatus = Type.Enum(BACKTEST_STATUSES);
export type BacktestStatus = Static<typeof BacktestStatus>;

/** A backtest in one of these never changes again. */
export const TERMINAL_STATUSES = [
  'completed',
  'failed',
  'cancelled',
] as const satisfies readonly BacktestStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** Counted against a caller's quota. */
export const ACTIVE_STATUSES = ['queued', 'running'] as const satisfies readonly BacktestStatus[];
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];

export function isTerminalStatus(status: BacktestStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly BacktestStatus[]).includes(status);
}

export const BACKTEST_STEPS = ['data', 'indicators', 'simulation', 'saving'] as const;
export const BacktestStep = Type.Enum(BACKTEST_STEPS);
export type BacktestStep = Static<typeof BacktestStep>;
