import type { BacktestRecord } from '@hindsight/models';
import {
  readTaskArtifact,
  removeTaskArtifacts,
  type TaskArtifacts,
  writeTaskArtifacts,
} from '@hindsight/service';
import type { WorkerDeps } from './deps.js';
import { countResultBytes } from './result-artifacts.js';

/** The four artifacts of an earlier backtest, or null if any is gone (cleaned up). */
async function readAll(dataRoot: string, id: string): Promise<TaskArtifacts | null> {
  const [manifest, equity, trades, stats] = await Promise.all([
    readTaskArtifact(dataRoot, id, 'manifest'),
    readTaskArtifact(dataRoot, id, 'equity'),
    readTaskArtifact(dataRoot, id, 'trades'),
    readTaskArtifact(dataRoot, id, 'stats'),
  ]);
  if (!manifest || !equity || !trades || !stats) return null;
  return { manifest, equity, trades, stats };
}

/**
 * Completes the backtest at once from an earlier completed one with the same fingerprint (equal
 * fingerprints promise equal results), unless the request said `cache: false`. The earlier
 * result's files are copied under this backtest's id with a manifest of its own. True when the
 * backtest needs no run any more (this call or another process finished it).
 */
export async function reuseEarlierResult(
  deps: Pick<WorkerDeps, 'lifecycle' | 'config' | 'diskUsage' | 'logger'>,
  record: BacktestRecord,
): Promise<boolean> {
  const { lifecycle } = deps;
  const dataRoot = deps.config.DATA_ROOT;
  if (!record.config.cache) return false;
  const source = await lifecycle.store.findCompletedByFingerprint(record.fingerprint);
  if (!source || source.id === record.id || !source.summary) return false;
  const artifacts = await readAll(dataRoot, source.id);
  if (!artifacts) return false;
  // Another user's backtest id is theirs to know: the reuse is named only to its own owner.
  const reusedFrom = source.ownerId === record.ownerId ? source.id : null;
  const { written, bytes } = await writeTaskArtifacts(dataRoot, record.id, {
    ...artifacts,
    manifest: {
      ...artifacts.manifest,
      id: record.id,
      ownerId: record.ownerId,
      name: record.name,
      config: record.config,
      createdAt: record.createdAt,
      startedAt: record.startedAt,
      finishedAt: new Date().toISOString(),
      reusedFrom,
    },
  });
  await lifecycle.log(
    record.id,
    'info',
    reusedFrom === null
      ? 'reused the result of an identical earlier backtest'
      : `reused the result of backtest ${reusedFrom}`,
  );
  if (await lifecycle.complete(record, source.summary)) {
    if (written) await countResultBytes(deps.diskUsage, record, bytes, deps.logger);
    return true;
  }
  const now = await lifecycle.store.getBacktest(record.id);
  // Cancelled or deleted meanwhile: the copied files are nobody's result.
  if (written && now?.status !== 'completed') await removeTaskArtifacts(dataRoot, record.id);
  return true;
}
