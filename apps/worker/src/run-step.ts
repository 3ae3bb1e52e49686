import type { BacktestRecord, BacktestStep } from '@hindsight/models';
import {
  type BacktestLifecycle,
  type CancelChannel,
  type Logger,
  STEP_START,
} from '@hindsight/service';
import { UnrecoverableError, WaitingError } from 'bullmq';
import { classifyFailure } from './failure.js';

export interface StepDeps {
  lifecycle: BacktestLifecycle;
  cancels: CancelChannel;
}

/** What runStep reads of a job: a BullMQ Job in the worker, its JSON copy in a sandbox. */
export interface StepJob {
  id?: string | undefined;
  attemptsMade: number;
  /** Starts of this job, counting those a lost worker or a failed attempt cut short. */
  attemptsStarted?: number;
  opts: { attempts?: number | undefined };
  /** Puts the job back in its queue, lock released and no attempt spent (a hand-back). */
  moveToWait?(token?: string): Promise<unknown>;
}

/**
 * The abort reason of a worker that is shutting down: the job is handed back to its queue for
 * the next worker, not cancelled. See RunningWorkers.close.
 */
export const HAND_BACK_REASON = 'worker shutting down';

/** A job that found nothing to do: the backtest is gone, finished, or was cancelled before it. */
export interface StepSkipped {
  skipped: true;
  backtestId: string;
  reason: 'deleted' | 'completed' | 'failed' | 'cancelled';
}

export interface StepInput {
  job: StepJob;
  backtestId: string;
  step: BacktestStep;
  signal: AbortSignal | undefined;
  /** The job's lock token, which a hand-back needs. */
  token?: string | undefined;
  log: Logger;
  /** Progress message announcing the step. */
  message: string;
}

/** Only our own signal counts: an AbortError of a provider's own timeout is a failure. */
function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return (
    signal?.aborted === true || (error as Error | undefined)?.name === 'SimulationAbortedError'
  );
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return reason.message;
  return 'cancel requested';
}

/**
 * The frame of every backtest job: skip a backtest that is gone, finished or cancelled; move it
 * to running; run the step; and turn what the step throws into the right ending - cancelled on
 * an abort, failed at once for a bad config or after the last attempt, a retry otherwise. A
 * backtest that ended here ends its job with UnrecoverableError, so BullMQ never retries it.
 */
export async function runStep<T>(
  deps: StepDeps,
  input: StepInput,
  body: (record: BacktestRecord) => Promise<T>,
): Promise<T | StepSkipped> {
  const { backtestId, step, signal, log, job } = input;
  const { lifecycle } = deps;
  let record = await lifecycle.store.getBacktest(backtestId);
  if (!record) return { skipped: true, backtestId, reason: 'deleted' };
  if (record.status !== 'queued' && record.status !== 'running') {
    return { skipped: true, backtestId, reason: record.status };
  }
  if (signal?.aborted || (await deps.cancels.isCancelRequested(backtestId))) {
    await lifecycle.cancel(backtestId, abortReason(signal));
    log.info({ step }, 'cancelled before the step started');
    return { skipped: true, backtestId, reason: 'cancelled' };
  }
  try {
    const running = await lifecycle.markRunning(record, step, (job.attemptsStarted ?? 1) > 1);
    // The api cancels (or deletes) a queued backtest itself; it may have won the race.
    if (!running) return { skipped: true, backtestId, reason: 'deleted' };
    if (running.status !== 'running') {
      return {
        skipped: true,
        backtestId,
        reason: running.status === 'queued' ? 'cancelled' : running.status,
      };
    }
    record = running;
    if (STEP_START[step] >= record.progress) {
      await lifecycle.progress(backtestId, {
        progress: STEP_START[step],
        step,
        message: input.message,
        barsProcessed: null,
        equity: null,
      });
    }
    return await body(record);
  } catch (error) {
    if (isAbort(error, signal)) {
      const reason = abortReason(signal);
      if (reason === HAND_BACK_REASON && job.moveToWait) {
        // Not the user's cancel: the backtest waits for the next worker, which starts the step
        // again and counts the attempt.
        await lifecycle.requeue(backtestId, 'its worker stopped; the next worker starts it again');
        await job.moveToWait(input.token);
        log.info({ step }, 'handed back to the queue');
        throw new WaitingError();
      }
      await lifecycle.cancel(backtestId, reason);
      log.info({ step }, 'cancelled');
      throw new UnrecoverableError(`cancelled: ${reason}`);
    }
    const failure = classifyFailure(error);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    if (failure.retryable && attempt < attempts) {
      log.warn({ err: error, step, attempt, attempts }, 'step failed; retrying');
      await lifecycle.log(
        backtestId,
        'warn',
        `${step} step, attempt ${attempt} of ${attempts}, failed: ${failure.message}; retrying`,
      );
      await lifecycle.flushEvents(backtestId);
      throw error;
    }
    log.warn({ err: error, step, attempt, code: failure.code }, 'backtest failed');
    await lifecycle.fail(backtestId, { code: failure.code, message: failure.message });
    throw new UnrecoverableError(failure.message);
  }
}

export function isSkipped(value: unknown): value is StepSkipped {
  return (value as StepSkipped | null)?.skipped === true;
}
