import {
  checkWalkForward,
  runWalkForward,
  type SweepCombo,
  type SweepObjective,
  type SweepPlan,
  type SweepSymbols,
  scoreInSample,
  WalkForwardError,
} from '@hindsight/backtest';
import { getStrategy } from '@hindsight/engine';
import {
  createError,
  type InSampleScores,
  isTerminalStatus,
  type SweepRecord,
  sweepObjective,
  toSimulationConfig,
  type WalkForwardReport,
  walkForwardScoring,
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

/** The walk-forward scoring of a sweep's in-sample scores; undefined without a walk-forward. */
export function sweepScoring(record: SweepRecord): string | undefined {
  const spec = record.config.walkForward;
  if (spec === undefined) return undefined;
  return walkForwardScoring(spec, sweepObjective(record.config.objective).key);
}

/**
 * Scores one combination of a walk-forward sweep on every fold's in-sample window, on the bars a
 * chunk prepared for its cells (their indicator series shared), as runWalkForward would score it;
 * undefined for a sweep without a walk-forward.
 * @throws HindsightError HS_ERR_WALK_FORWARD_WINDOWS when it cannot run on these bars.
 */
export function inSampleScorer(
  record: SweepRecord,
  bars: SweepSymbols,
): ((combo: SweepCombo) => InSampleScores) | undefined {
  const spec = record.config.walkForward;
  if (spec === undefined) return undefined;
  const { key } = sweepObjective(record.config.objective);
  const scoring = walkForwardScoring(spec, key);
  const input = {
    strategy: getStrategy(record.config.strategy.name),
    symbols: bars.symbols,
    indicators: bars.symbols.map((s) => s.indicators),
    simulation: toSimulationConfig(record.config),
    spec,
    key,
  };
  return (combo) => {
    try {
      const values = scoreInSample(input, [combo]).map((fold) =>
        Number.isNaN(fold[0]!) ? null : fold[0]!,
      );
      return { scoring, values };
    } catch (error) {
      throw walkForwardWindows(error);
    }
  };
}

/**
 * The walk-forward report of a sweep that asked for one, on the bars its cells ran on, from the
 * in-sample scores its chunks wrote with the cells (`scored`, in `plan.runnable` order); a
 * combination without them (a cell written before cells carried scores) is scored here. Null when
 * the sweep ended meanwhile (a cancel: checked between batches of those, which also lets the
 * job's lock renewal run).
 * @throws HindsightError HS_ERR_WALK_FORWARD_WINDOWS when it cannot run on these bars.
 */
export async function sweepWalkForward(
  deps: WorkerDeps,
  record: SweepRecord,
  plan: SweepPlan,
  objective: SweepObjective,
  scored: ReadonlyArray<InSampleScores['values'] | undefined>,
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
      scored,
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
    throw walkForwardWindows(error);
  }
}

function walkForwardWindows(error: unknown): unknown {
  if (!(error instanceof WalkForwardError)) return error;
  return createError('HS_ERR_WALK_FORWARD_WINDOWS', { reason: error.message }, { cause: error });
}
