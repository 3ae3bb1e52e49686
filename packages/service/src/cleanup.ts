import type { Dirent } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_FILES, type ResultManifest, TEMP_DIR_PREFIX, tasksRoot } from './artifacts.js';

export interface CleanupOptions {
  dataRoot: string;
  /** Results that finished longer ago than this are removed. */
  olderThanMs: number;
  /** Epoch milliseconds; default Date.now(). */
  now?: number;
  /** Report what would go without removing anything. */
  dryRun?: boolean;
}

export interface RemovedResult {
  /** The backtest id, or the directory name of an abandoned partial write. */
  id: string;
  path: string;
  /** When the result finished (from its manifest, else the directory's mtime), ISO 8601. */
  finishedAt: string;
  bytes: number;
  /** A temporary directory a crashed worker left behind, not a result. */
  partial: boolean;
}

export interface CleanupReport {
  removed: RemovedResult[];
  /** Result directories younger than the cut-off. */
  kept: number;
  bytesRemoved: number;
}

async function directorySize(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? await directorySize(path) : (await stat(path)).size;
  }
  return bytes;
}

/** The manifest's finishedAt, or the directory's mtime when the manifest is missing or bad. */
async function finishedAt(dir: string): Promise<number> {
  try {
    const manifest = JSON.parse(
      await readFile(join(dir, ARTIFACT_FILES.manifest), 'utf8'),
    ) as Partial<ResultManifest>;
    const time = Date.parse(manifest.finishedAt ?? '');
    if (Number.isFinite(time)) return time;
  } catch {
    // An unreadable manifest still leaves the directory's own age to go by.
  }
  return (await stat(dir)).mtimeMs;
}

/**
 * Removes result directories under DATA_ROOT/tasks that finished more than `olderThanMs` ago,
 * and temporary directories abandoned as long ago, and says what it removed. The store's
 * records stay: a record outlives its artifacts, whose absence the api reports.
 */
export async function cleanupResults(options: CleanupOptions): Promise<CleanupReport> {
  if (!(options.olderThanMs >= 0)) {
    throw new RangeError(`olderThanMs must be a number >= 0, got ${options.olderThanMs}`);
  }
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanMs;
  const root = tasksRoot(options.dataRoot);
  const report: CleanupReport = { removed: [], kept: 0, bytesRemoved: 0 };
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw error;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(root, entry.name);
    const partial = entry.name.startsWith(TEMP_DIR_PREFIX);
    const time = partial ? (await stat(path)).mtimeMs : await finishedAt(path);
    if (time > cutoff) {
      if (!partial) report.kept++;
      continue;
    }
    const bytes = await directorySize(path);
    if (!options.dryRun) await rm(path, { recursive: true, force: true });
    report.removed.push({
      id: entry.name,
      path,
      finishedAt: new Date(time).toISOString(),
      bytes,
      partial,
    });
    report.bytesRemoved += bytes;
  }
  return report;
}
