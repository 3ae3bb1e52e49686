import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import type { TerminalStatus } from '@hindsight/models';

/** A backtest this process ended: its writer's transition applied (see BacktestLifecycle). */
export interface BacktestEnded {
  backtestId: string;
  status: TerminalStatus;
}

/**
 * A fresh name for the channel on which a worker's threads tell its main thread of the backtests
 * they ended, so its metrics count each once without a `backtest-finished` job per backtest (a
 * dozen Redis commands to add and as many to run). Unique per worker, as tests run several
 * workers in one process and a BroadcastChannel reaches every thread of the process by name.
 */
export function endedChannelName(): string {
  return `hindsight-backtest-ended-${randomUUID()}`;
}

/** The sending end, used by a lifecycle's `onEnded`; it never keeps a thread alive. */
export function endedSender(name: string): {
  post(ended: BacktestEnded): void;
  close(): void;
} {
  const channel = new BroadcastChannel(name);
  channel.unref();
  return { post: (ended) => channel.postMessage(ended), close: () => channel.close() };
}

/** Calls `handler` for every backtest a thread of this worker ended; returns the stop. */
export function onEnded(name: string, handler: (ended: BacktestEnded) => void): () => void {
  const channel = new BroadcastChannel(name);
  channel.unref();
  channel.onmessage = (message: unknown) => handler((message as { data: BacktestEnded }).data);
  return () => channel.close();
}
