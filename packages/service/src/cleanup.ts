import type { Dirent } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  ARTIFACT_FILES,
  partialWriter,
  type ResultManifest,
  TEMP_DIR_PREFIX,
  tasksRoot,
} from './artifacts.js';

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

/** The entries of a directory; none when it does not exist (nothing was ever written there). */
export async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The time before which a file is old enough to go: now - olderThanMs. */
export function cutoffOf(options: Pick<CleanupOptions, 'olderThanMs' | 'now'>): number {
  if (!(options.olderThanMs >= 0)) {
    throw new RangeError(`olderThanMs must be a number >= 0, got ${options.olderThanMs}`);
  }
  return (options.now ?? Date.now()) - options.olderThanMs;
}

/**
 * Removes result directories under DATA_ROOT/tasks that finished more than `olderThanMs` ago,
 * and temporary directories abandoned as long ago, and says what it removed. The store's
 * records stay: a record outlives its artifacts, whose absence the api reports.
 */
export async function cleanupResults(options: CleanupOptions): Promise<CleanupReport> {
  const cutoff = cutoffOf(options);
  const root = tasksRoot(options.dataRoot);
  const report: CleanupReport = { removed: [], kept: 0, bytesRemoved: 0 };
  const entries = await entriesOf(root);
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

/** A partial write this old is abandoned whoever made it: a save takes seconds. */
export const ABANDONED_PARTIAL_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary directories of result writes that will never finish: those a process
 * of this host left when it died (a worker killed while saving), and any older than
 * ABANDONED_PARTIAL_MS (another host's, or an older name). A worker runs it at start, so a
 * crash's leftovers go at the next start rather than with `cleanup` days later; a write in
 * progress - a live process's, younger than the bound - stays. Returns the names removed.
 */
export async function removeAbandonedPartialWrites(
  dataRoot: string,
  now: number = Date.now(),
): Promise<string[]> {
  const root = tasksRoot(dataRoot);
  const entries = await entriesOf(root);
  const host = hostname();
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(TEMP_DIR_PREFIX)) continue;
    const path = join(root, entry.name);
    const writer = partialWriter(entry.name);
    const dead = writer !== null && writer.host === host && !processAlive(writer.pid);
    const old = await stat(path).then(
      (info) => now - info.mtimeMs > ABANDONED_PARTIAL_MS,
      () => false,
    );
    if (!dead && !old) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
