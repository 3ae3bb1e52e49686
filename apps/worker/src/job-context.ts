import type { Logger } from '@hindsight/service';
import type { StepJob } from './run-step.js';

/** What a handler of the catalogue gets besides its payload. */
export interface JobContext {
  job: StepJob;
  /** Aborted by `worker.cancelJob` when the backtest is cancelled. */
  signal: AbortSignal | undefined;
  /** The job's lock token, for a hand-back at shutdown. */
  token: string | undefined;
  /** Carries the queue, job id and backtest id on every line. */
  log: Logger;
}
