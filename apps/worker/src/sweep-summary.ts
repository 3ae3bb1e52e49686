import {
  planSweep,
  type SweepCell,
  type SweepPlan,
  type SweepSummary,
  summarizeSweep,
} from '@hindsight/backtest';
import type { Stats, TrialSummary } from '@hindsight/metrics';
import {
  type InSampleScores,
  type SweepCellRecord,
  type SweepRecord,
  sweepObjective,
  type WalkForwardReport,
} from '@hindsight/models';
import type { SweepEndOptions } from '@hindsight/service';
import type { WorkerDeps } from './deps.js';
import { publishFinalProgress } from './sweep-events.js';
import { sweepScoring, sweepWalkForward } from './sweep-walk-forward.js';

const PAGE = 5_000;

/** Plans of recent sweeps: every chunk of a sweep resolves the same combinations. */
const plans = new Map<string, SweepPlan>();
const MAX_PLANS = 16;

/** The sweep's combinations, as the api planned them at submit (planSweep is deterministic). */
export function sweepCombos(record: SweepRecord): SweepPlan {
  let plan = plans.get(record.id);
  if (!plan) {
    const { strategy, grid, search } = record.config;
    plan = planSweep({
      strategy: strategy.name,
      params: strategy.params,
      grid,
      ...(search === undefined ? {} : { search }),
    });
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(record.id, plan);
  }
  return plan;
}

/** A stored cell as the sweep core's statistics read it. */
function asCell(cell: SweepCellRecord): SweepCell | null {
  if (cell.status === 'completed') {
    return {
      index: cell.index,
      params: cell.params,
      status: 'completed',
      stats: cell.stats as unknown as Stats,
      trial: cell.trial as unknown as TrialSummary,
    };
  }
  if (cell.status === 'failed') {
    return { index: cell.index, params: cell.params, status: 'failed', error: cell.error ?? '' };
  }
  return null;
}

/**
 * Ranks every cell of a finished sweep and completes it with the leaderboard, the best cell and
 * the overfitting statistics; a sweep none of whose combinations completed fails, naming the
 * first failure. With `walkForward`, the analysis ends here from the in-sample scores the chunks
 * wrote with the cells: each fold's best runs in and out of sample, and those are stitched (a
 * failure there fails the sweep with HS_ERR_WALK_FORWARD_WINDOWS; a cancel meanwhile stops it).
 * The status it ended with (or found: a cancelled sweep stays cancelled, its end announced by
 * whoever cancelled it).
 */
export async function finishSweep(
  deps: WorkerDeps,
  sweepId: string,
  signal?: AbortSignal,
): Promise<string> {
  const record = await deps.store.getSweep(sweepId);
  if (!record) return 'deleted';
  const cells: SweepCell[] = [];
  const scoring = sweepScoring(record);
  const inSample = new Map<number, InSampleScores['values']>();
  let after = -1;
  for (;;) {
    const page = await deps.store.listSweepCells(sweepId, { afterIndex: after, limit: PAGE });
    for (const stored of page) {
      const cell = asCell(stored);
      if (cell) cells.push(cell);
      if (stored.inSample !== undefined && stored.inSample.scoring === scoring) {
        inSample.set(stored.index, stored.inSample.values);
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.index;
  }
  const expected = record.combos.total - record.combos.skipped;
  const completed = cells.filter((c) => c.status === 'completed').length;
  if (completed === 0) {
    const failure = cells.find((c) => c.status === 'failed');
    const message =
      failure?.status === 'failed'
        ? `every combination failed; the first: ${failure.error}`
        : `no combination finished (${cells.length} of ${expected} cells)`;
    return endedAs(deps, sweepId, 'failed', { error: { code: 'HS_ERR_VALIDATION', message } });
  }
  const objective = sweepObjective(record.config.objective);
  const summary: SweepSummary & { walkForward?: WalkForwardReport } = summarizeSweep(
    cells,
    objective,
  );
  if (record.config.walkForward !== undefined) {
    let report: WalkForwardReport | null;
    try {
      const plan = sweepCombos(record);
      const scored = plan.runnable.map((combo) => inSample.get(combo.index));
      report = await sweepWalkForward(deps, record, plan, objective, scored, signal);
    } catch (error) {
      const failure = refusal(error, ['HS_ERR_WALK_FORWARD_WINDOWS']);
      if (!failure) throw error;
      return endedAs(deps, sweepId, 'failed', { error: failure });
    }
    if (report === null) return statusOf(deps, sweepId);
    summary.walkForward = report;
  }
  return endedAs(deps, sweepId, 'completed', { summary });
}

/** The status `endSweep` gave the sweep, or the one it already had (or 'deleted'). */
async function endedAs(
  deps: WorkerDeps,
  sweepId: string,
  to: 'completed' | 'failed',
  patch: SweepEndOptions['patch'],
): Promise<string> {
  return (await endSweep(deps, sweepId, to, patch)) ? to : statusOf(deps, sweepId);
}

async function statusOf(deps: WorkerDeps, sweepId: string): Promise<string> {
  return (await deps.store.getSweep(sweepId))?.status ?? 'deleted';
}

/**
 * The sweep's failure for a coded refusal among `codes` - one any retry would meet again (a
 * symbol gone, walk-forward windows that cannot be) - or null for any other error.
 */
export function refusal(
  error: unknown,
  codes: readonly string[],
): { code: string; message: string } | null {
  const { code } = error as { code?: unknown };
  if (typeof code !== 'string' || !codes.includes(code)) return null;
  return { code, message: (error as Error).message };
}

/** Ends the sweep as a worker does: the final progress goes out before the terminal event. */
export function endSweep(
  deps: WorkerDeps,
  sweepId: string,
  to: 'completed' | 'failed',
  patch: SweepEndOptions['patch'],
): Promise<SweepRecord | null> {
  return deps.sweepLifecycle.end(sweepId, to, {
    ...(patch ? { patch } : {}),
    beforeEvent: (record) => publishFinalProgress(deps, record),
  });
}
