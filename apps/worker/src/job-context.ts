import type { Logger } from '@hindsight/service';
import type { StepJob } from './run-step.js';

/** What a handler of the catalogue gets besides its payload. */
export interface JobContext {
  job: StepJob;
  /** Aborted by `worker.cancelJob` when the backtest is cancelled. */
  signal: AbortSignal | undefined;
  /** Carries the queue, job id and backtest id on every line. */
  log: Logger;
}
