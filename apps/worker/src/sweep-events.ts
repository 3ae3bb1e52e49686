import { type SweepLeaderboardData, type SweepRecord, sweepObjective } from '@hindsight/models';
import { redisKeys } from '@hindsight/service';
import type { WorkerDeps } from './deps.js';

/** At most one `progress` event per sweep in this time, across every worker. */
const PROGRESS_INTERVAL_MS = 250;
/** A leaderboard reads every finished cell, so it is sent less often than progress. */
const LEADERBOARD_INTERVAL_MS = 1_000;
/** Entries of a live leaderboard event. */
const LEADERBOARD_SIZE = 10;
const PAGE = 5_000;

/** True for the one caller per interval that may publish (SET NX PX: shared by all workers). */
async function takeTurn(
  deps: WorkerDeps,
  sweepId: string,
  kind: 'progress' | 'leaderboard',
  ms: number,
): Promise<boolean> {
  const key = redisKeys.sweepEventThrottle(deps.config.QUEUE_PREFIX, sweepId, kind);
  return (await deps.redis.set(key, '1', 'PX', ms, 'NX')) === 'OK';
}

/** Counted from the stored cells as GET /sweeps/:id counts them (SweepService.view). */
async function progressOf(deps: WorkerDeps, record: SweepRecord) {
  const counts = await deps.store.countSweepCells(record.id);
  const { total, skipped } = record.combos;
  const done = counts.completed + counts.failed + skipped;
  return {
    progress: total === 0 ? 1 : Math.min(1, done / total),
    total,
    done,
    skipped,
    failed: counts.failed,
  };
}

/** The completed cells so far ranked by the objective alone; ties keep grid order. */
async function liveLeaderboard(
  deps: WorkerDeps,
  record: SweepRecord,
): Promise<SweepLeaderboardData> {
  const { key, direction } = sweepObjective(record.config.objective);
  const scored: Array<{ index: number; params: Record<string, unknown>; value: number }> = [];
  let after = -1;
  for (;;) {
    const page = await deps.store.listSweepCells(record.id, { afterIndex: after, limit: PAGE });
    for (const cell of page) {
      const value = cell.stats?.[key];
      if (cell.status === 'completed' && typeof value === 'number' && Number.isFinite(value)) {
        scored.push({ index: cell.index, params: cell.params, value });
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.index;
  }
  const sign = direction === 'max' ? -1 : 1;
  scored.sort((a, b) => sign * (a.value - b.value) || a.index - b.index);
  return {
    objective: key,
    direction,
    ranked: scored.length,
    entries: scored.slice(0, LEADERBOARD_SIZE).map((s, i) => ({ rank: i + 1, ...s })),
  };
}

/**
 * After a batch of cells: a `progress` event, and a `leaderboard` one, each unless another was
 * published within its interval. Best effort: the live channel never fails a chunk.
 */
export async function publishSweepProgress(
  deps: WorkerDeps,
  record: SweepRecord,
  onError: (error: unknown) => void,
): Promise<void> {
  try {
    if (await takeTurn(deps, record.id, 'progress', PROGRESS_INTERVAL_MS)) {
      await deps.events.publishSweep(record.id, 'progress', await progressOf(deps, record));
    }
    if (await takeTurn(deps, record.id, 'leaderboard', LEADERBOARD_INTERVAL_MS)) {
      await deps.events.publishSweep(record.id, 'leaderboard', await liveLeaderboard(deps, record));
    }
  } catch (error) {
    onError(error);
  }
}

/**
 * Before the terminal event of a sweep this worker ended: the final progress and, for a completed
 * one, leaderboard, unthrottled (SweepLifecycle publishes the terminal event after them).
 */
export async function publishFinalProgress(deps: WorkerDeps, record: SweepRecord): Promise<void> {
  await deps.events.publishSweep(record.id, 'progress', await progressOf(deps, record));
  if (record.status === 'completed') {
    await deps.events.publishSweep(record.id, 'leaderboard', await liveLeaderboard(deps, record));
  }
}
