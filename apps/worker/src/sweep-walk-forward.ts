import {
  checkWalkForward,
  runWalkForward,
  type SweepObjective,
  type SweepPlan,
  WalkForwardError,
} from '@hindsight/backtest';
import { getStrategy } from '@hindsight/engine';
import {
  createError,
  isTerminalStatus,
  type SweepRecord,
  toSimulationConfig,
  type WalkForwardReport,
} from '@hindsight/models';
import type { WorkerDeps } from './deps.js';
import { loadSweepBars, type SweepBars } from './sweep-bars.js';

/**
 * Refuses a walk-forward sweep that cannot run on its bars - windows of fewer than two bars, a
 * warm-up longer than the first in-sample window - once they are loaded and before any chunk
 * runs: the api only estimates the bar count at submit.
 * @throws HindsightError HS_ERR_WALK_FORWARD_WINDOWS
 */
export async function checkSweepWalkForward(
  record: SweepRecord,
  plan: SweepPlan,
  symbols: SweepBars['symbols'],
): Promise<void> {
  const spec = record.config.walkForward;
  if (spec === undefined) return;
  await coded(() =>
    checkWalkForward({
      strategy: getStrategy(record.config.strategy.name),
      symbols,
      combos: plan.runnable,
      spec,
    }),
  );
}

/**
 * The walk-forward report of a sweep that asked for one, on the bars its cells ran on; null when
 * the sweep ended meanwhile (a cancel: checked between batches of combinations, which also lets
 * the job's lock renewal run).
 * @throws HindsightError HS_ERR_WALK_FORWARD_WINDOWS when it cannot run on these bars.
 */
export async function sweepWalkForward(
  deps: WorkerDeps,
  record: SweepRecord,
  plan: SweepPlan,
  objective: SweepObjective,
  signal: AbortSignal | undefined,
): Promise<WalkForwardReport | null> {
  const spec = record.config.walkForward!;
  const { symbols } = await loadSweepBars(deps, record, signal);
  return coded(() =>
    runWalkForward({
      strategy: getStrategy(record.config.strategy.name),
      symbols,
      simulation: toSimulationConfig(record.config),
      combos: plan.runnable,
      spec,
      objective,
      pause: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) return false;
        const now = await deps.store.getSweep(record.id);
        return now !== null && !isTerminalStatus(now.status);
      },
    }),
  );
}

/** A WalkForwardError as the coded error the sweep fails with. */
async function coded<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof WalkForwardError)) throw error;
    throw createError('HS_ERR_WALK_FORWARD_WINDOWS', { reason: error.message }, { cause: error });
  }
}
