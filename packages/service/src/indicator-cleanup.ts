import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ABANDONED_PARTIAL_MS, type CleanupOptions, cutoffOf, entriesOf } from './cleanup.js';

/** DATA_ROOT/indicators: the indicators step's series cache (apps/worker indicator-cache.ts). */
export function indicatorsRoot(dataRoot: string): string {
  return join(dataRoot, 'indicators');
}

/** A stored series; a name ending `.tmp` is a write in progress, or one its writer abandoned. */
const SERIES_SUFFIX = '.f64';
const TEMPORARY_SUFFIX = '.tmp';

export interface IndicatorCleanupReport {
  /** Series files (and abandoned temporary writes) removed. */
  removed: number;
  /** Series used within the age. */
  kept: number;
  bytesRemoved: number;
}

/**
 * Removes the indicator series no backtest has used for `olderThanMs`. A series is named by a
 * hash of its bars' data version and its key, so the name cannot say whether that version still
 * exists; but the cache stamps a file's mtime at every read, so a series of data since
 * re-imported (a new data version) or of a strategy no one runs any more stops being stamped and
 * ages out, while the series in use stay. Removing one is always safe: a reader that misses it
 * computes it again. Temporary files older than ABANDONED_PARTIAL_MS are writes that died. Counts
 * only: the cache may hold millions of files. The fan-out directories stay (a writer may be
 * about to write into one).
 */
export async function cleanupIndicators(options: CleanupOptions): Promise<IndicatorCleanupReport> {
  const now = options.now ?? Date.now();
  const cutoff = cutoffOf({ ...options, now });
  const report: IndicatorCleanupReport = { removed: 0, kept: 0, bytesRemoved: 0 };
  const root = indicatorsRoot(options.dataRoot);
  for (const fanOut of await entriesOf(root)) {
    if (!fanOut.isDirectory()) continue;
    const dir = join(root, fanOut.name);
    for (const entry of await entriesOf(dir)) {
      if (!entry.isFile()) continue;
      const series = entry.name.endsWith(SERIES_SUFFIX);
      if (!series && !entry.name.endsWith(TEMPORARY_SUFFIX)) continue;
      const path = join(dir, entry.name);
      // Gone meanwhile: another cleanup, or a temporary file renamed into place.
      const info = await stat(path).catch(() => null);
      if (!info) continue;
      const stale = series ? info.mtimeMs <= cutoff : now - info.mtimeMs > ABANDONED_PARTIAL_MS;
      if (!stale) {
        if (series) report.kept++;
        continue;
      }
      if (!options.dryRun) await rm(path, { force: true });
      report.removed++;
      report.bytesRemoved += info.size;
    }
  }
  return report;
}
