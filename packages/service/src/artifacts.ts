import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Trade } from '@hindsight/engine';
import type { Stats } from '@hindsight/metrics';
import type { BacktestRequest } from '@hindsight/models';

/**
 * The result of one backtest on disk: `DATA_ROOT/tasks/<id>/` holds these files, written by the
 * worker and read by the api. The directory appears whole or not at all (see writeTaskArtifacts).
 */
export const ARTIFACT_FILES = {
  manifest: 'manifest.json',
  equity: 'equity.json',
  trades: 'trades.json',
  stats: 'stats.json',
} as const;
export type ArtifactKind = keyof typeof ARTIFACT_FILES;

export const TASKS_DIR = 'tasks';
/** Directories being written start with this; `hindsight cleanup` removes abandoned ones. */
export const TEMP_DIR_PREFIX = '.tmp-';
/**
 * 2: trades hold ISO 8601 times and returnPct in percent (TradeRecord). 1 held the engine's Trade
 * as it was (epoch-ms times, returnPct a fraction); readTaskArtifact serves those as format 2.
 */
export const ARTIFACT_FORMAT_VERSION = 2;

/**
 * `.tmp-<id>-<pid>@<host>-<random>`: the writer is named, so a worker starting on that host can
 * tell a partial write of a dead process (removed) from one in progress (left alone).
 */
function partialWriteName(backtestId: string): string {
  return `${TEMP_DIR_PREFIX}${backtestId}-${process.pid}@${hostname()}-${randomBytes(4).toString('hex')}`;
}

/** The writer of a partial write's directory, if its name says (older names do not). */
export function partialWriter(name: string): { pid: number; host: string } | null {
  const match = /^\.tmp-[^@]+-(\d+)@(.+)-[0-9a-f]{8}$/.exec(name);
  return match ? { pid: Number(match[1]), host: match[2] as string } : null;
}

export function tasksRoot(dataRoot: string): string {
  return join(dataRoot, TASKS_DIR);
}

export function taskDir(dataRoot: string, backtestId: string): string {
  return join(dataRoot, TASKS_DIR, backtestId);
}

export interface ManifestSymbol {
  symbol: string;
  bars: number;
  /** First and last bar, ISO 8601 UTC. */
  first: string;
  last: string;
}

export interface ResultManifest {
  formatVersion: typeof ARTIFACT_FORMAT_VERSION;
  id: string;
  ownerId: string;
  name: string;
  config: BacktestRequest;
  /** The strategy parameters the run used: the request's, with defaults filled. */
  params: Record<string, unknown>;
  fingerprint: string;
  /** Version of @hindsight/engine that computed the result. */
  engineVersion: string;
  data: ManifestSymbol[];
  files: { equity: string; trades: string; stats: string };
  /** ISO 8601 UTC. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string;
  /** Set when the result was copied from an earlier backtest with the same fingerprint. */
  reusedFrom: string | null;
}

/** Columns of equal length, one entry per bar of the common timeline. */
export interface EquityArtifact {
  /** UTC epoch milliseconds. */
  time: number[];
  equity: number[];
  /** Drawdown from the running peak in percent, zero or negative. */
  drawdownPct: number[];
}

/**
 * A trade as every record shows it - trades.json, GET /trades (JSON and CSV), `hindsight run
 * --json`: the engine's Trade with its instants as ISO 8601 UTC strings, as records give every
 * instant (only columnar series keep epoch milliseconds).
 */
export type TradeRecord = Omit<Trade, 'entryTime' | 'exitTime'> & {
  entryTime: string;
  exitTime: string;
};

export function toTradeRecord(trade: Trade): TradeRecord {
  return {
    ...trade,
    entryTime: new Date(trade.entryTime).toISOString(),
    exitTime: new Date(trade.exitTime).toISOString(),
  };
}

export interface TradesArtifact {
  trades: TradeRecord[];
  /** Still open after the last bar, marked at the last close. */
  openTrades: TradeRecord[];
}

export interface TaskArtifacts {
  manifest: ResultManifest;
  equity: EquityArtifact;
  trades: TradesArtifact;
  /** Every statistic of the run, its `conventions` block included (StatsSchema). */
  stats: Stats;
}

export interface WriteResult {
  dir: string;
  /** false when a complete result was already there (a re-run after a crash): it is kept. */
  written: boolean;
}

function isExistingDirError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR';
}

/**
 * Writes the four files into a temporary directory beside the target and renames it into
 * place, so a crash never leaves half a result, and a second run of the same backtest finds the
 * first one's complete directory and leaves it alone.
 */
export async function writeTaskArtifacts(
  dataRoot: string,
  backtestId: string,
  artifacts: TaskArtifacts,
): Promise<WriteResult> {
  const root = tasksRoot(dataRoot);
  const dir = taskDir(dataRoot, backtestId);
  await mkdir(root, { recursive: true });
  const temp = join(root, partialWriteName(backtestId));
  await mkdir(temp);
  try {
    await Promise.all(
      (Object.keys(ARTIFACT_FILES) as ArtifactKind[]).map((kind) =>
        writeFile(join(temp, ARTIFACT_FILES[kind]), JSON.stringify(artifacts[kind])),
      ),
    );
    await rename(temp, dir);
    return { dir, written: true };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (isExistingDirError(error)) return { dir, written: false };
    throw error;
  }
}

/** A trade of format 1 (numeric entryTime: the engine's Trade as it was) in format 2. */
function upgradeTrade(stored: TradeRecord | Trade): TradeRecord {
  if (typeof stored.entryTime === 'string') return stored as TradeRecord;
  const trade = stored as Trade;
  return toTradeRecord({ ...trade, returnPct: trade.returnPct * 100 });
}

/**
 * Results written by an older version are served in the current format, so a reader (the api, a
 * reuse of the result) never sees two shapes: format-1 trades are converted, and the manifest
 * says the format it is served in.
 */
function upgrade<K extends ArtifactKind>(kind: K, stored: unknown): TaskArtifacts[K] {
  if (kind === 'trades') {
    const { trades, openTrades } = stored as Record<
      keyof TradesArtifact,
      Array<TradeRecord | Trade>
    >;
    return {
      trades: trades.map(upgradeTrade),
      openTrades: openTrades.map(upgradeTrade),
    } as TaskArtifacts[K];
  }
  if (kind === 'manifest') {
    return {
      ...(stored as ResultManifest),
      formatVersion: ARTIFACT_FORMAT_VERSION,
    } as TaskArtifacts[K];
  }
  return stored as TaskArtifacts[K];
}

/** One artifact of a backtest, parsed, in the current format; null if it has no result on disk. */
export async function readTaskArtifact<K extends ArtifactKind>(
  dataRoot: string,
  backtestId: string,
  kind: K,
): Promise<TaskArtifacts[K] | null> {
  try {
    const text = await readFile(join(taskDir(dataRoot, backtestId), ARTIFACT_FILES[kind]), 'utf8');
    return upgrade(kind, JSON.parse(text));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Removes a backtest's result directory (DELETE /backtests/:id); false if there was none. */
export async function removeTaskArtifacts(dataRoot: string, backtestId: string): Promise<boolean> {
  const dir = taskDir(dataRoot, backtestId);
  try {
    await stat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await rm(dir, { recursive: true, force: true });
  return true;
}
