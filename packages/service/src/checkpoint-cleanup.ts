import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINTS_DIR } from './artifacts.js';
import { type CleanupOptions, cutoffOf, entriesOf } from './cleanup.js';

export interface CheckpointCleanupReport {
  /** Backtests whose checkpoint directory was removed. */
  removed: number;
  /** Checkpoints written within the age. */
  kept: number;
  bytesRemoved: number;
}

/**
 * Removes the checkpoints (DATA_ROOT/checkpoints/<id>/) of backtests that stopped writing them
 * more than `olderThanMs` ago. A running simulation rewrites its state every
 * CHECKPOINT_INTERVAL_MS and the worker removes the directory when the backtest ends, so one
 * that has not changed for the age belongs to a backtest that ended where its checkpoint could
 * not be removed (an api on another machine, a crash): nothing will resume from it. Judged by the
 * newest file in the directory, without the store.
 */
export async function cleanupCheckpoints(
  options: CleanupOptions,
): Promise<CheckpointCleanupReport> {
  const cutoff = cutoffOf(options);
  const report: CheckpointCleanupReport = { removed: 0, kept: 0, bytesRemoved: 0 };
  const root = join(options.dataRoot, CHECKPOINTS_DIR);
  for (const entry of await entriesOf(root)) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    let newest = Number.NEGATIVE_INFINITY;
    let bytes = 0;
    for (const file of await entriesOf(dir)) {
      // Gone meanwhile: the backtest ended, or a state file was renamed into place.
      const info = await stat(join(dir, file.name)).catch(() => null);
      if (!info) continue;
      newest = Math.max(newest, info.mtimeMs);
      bytes += info.size;
    }
    if (newest === Number.NEGATIVE_INFINITY)
      newest = (await stat(dir).catch(() => null))?.mtimeMs ?? 0;
    if (newest > cutoff) {
      report.kept++;
      continue;
    }
    if (!options.dryRun) await rm(dir, { recursive: true, force: true });
    report.removed++;
    report.bytesRemoved += bytes;
  }
  return report;
}
