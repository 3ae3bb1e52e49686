import { randomBytes } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Trade } from '@hindsight/engine';
import { m4Indices, type Stats, valuesAt } from '@hindsight/metrics';
import type { BacktestRequest } from '@hindsight/models';

/**
 * The result of one backtest on disk: `DATA_ROOT/tasks/<id>/` holds these files, written by the
 * worker and read by the api. The directory appears whole or not at all (see writeTaskArtifacts).
 */
export const ARTIFACT_FILES = {
  manifest: 'manifest.json',
  /** The full equity series: Float64 little-endian columns time, equity, drawdownPct, n each. */
  equity: 'equity.f64',
  /** The series thinned to EQUITY_PREVIEW_POINTS (EquityPreview), computed once at save. */
  equityPreview: 'equity-preview.json',
  trades: 'trades.json',
  stats: 'stats.json',
} as const;
export type ArtifactKind = Exclude<keyof typeof ARTIFACT_FILES, 'equityPreview'>;
/** Formats 1 and 2 kept the equity series as one JSON document (EquityArtifact of arrays). */
const LEGACY_EQUITY_FILE = 'equity.json';
/** Columns of the equity file, in their order. */
const EQUITY_COLUMNS = ['time', 'equity', 'drawdownPct'] as const;
/** Bytes the equity file takes per bar: a Float64 per column. */
export const EQUITY_BYTES_PER_BAR = EQUITY_COLUMNS.length * Float64Array.BYTES_PER_ELEMENT;
/** Points of the preview: enough for any chart; a maxPoints at or below it reads only this. */
export const EQUITY_PREVIEW_POINTS = 4000;
/** Trades serialised at a time, so no string grows with the number of trades. */
const TRADES_PER_WRITE = 1000;
/** Characters of trades.json gathered before a write (a few thousand trades). */
const WRITE_CHUNK_CHARS = 1 << 20;

export const TASKS_DIR = 'tasks';
/** DATA_ROOT/checkpoints/<id>/: a running simulation's saved state (apps/worker/src/checkpoints.ts). */
export const CHECKPOINTS_DIR = 'checkpoints';
/** Directories being written start with this; `hindsight cleanup` removes abandoned ones. */
export const TEMP_DIR_PREFIX = '.tmp-';
/**
 * 3: the equity series is binary (equity.f64) beside a ready preview (equity-preview.json). 2 and
 * 1 kept it as equity.json; 2 has trades with ISO 8601 times and returnPct in percent
 * (TradeRecord), 1 the engine's Trade as it was (epoch-ms times, returnPct a fraction).
 * readTaskArtifact serves every older result in the current shapes.
 */
export const ARTIFACT_FORMAT_VERSION = 3;

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
  files: { equity: string; equityPreview?: string; trades: string; stats: string };
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
  time: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** Drawdown from the running peak in percent, zero or negative. */
  drawdownPct: ArrayLike<number>;
}

/** The equity series as it is read back. */
export type EquityColumns = Record<(typeof EQUITY_COLUMNS)[number], Float64Array>;

/** The series thinned by M4 on one time axis (equity-preview.json). */
export interface EquityPreview {
  /** Bars in the full series. */
  points: number;
  time: number[];
  equity: number[];
  drawdownPct: number[];
}

/**
 * At most `maxPoints` points of the series, every extreme of equity and of drawdown kept, both
 * on the same instants (see m4Indices); null when the series has no more points than that.
 */
export function thinEquity(columns: EquityColumns, maxPoints: number): EquityColumns | null {
  const indices = m4Indices(columns.time.length, [columns.equity, columns.drawdownPct], maxPoints);
  if (indices === null) return null;
  return {
    time: valuesAt(columns.time, indices),
    equity: valuesAt(columns.equity, indices),
    drawdownPct: valuesAt(columns.drawdownPct, indices),
  };
}

function toColumns(equity: EquityArtifact): EquityColumns {
  const column = (values: ArrayLike<number>) =>
    values instanceof Float64Array ? values : Float64Array.from(values);
  return {
    time: column(equity.time),
    equity: column(equity.equity),
    drawdownPct: column(equity.drawdownPct),
  };
}

function toPreview(columns: EquityColumns): EquityPreview {
  const thin = thinEquity(columns, EQUITY_PREVIEW_POINTS) ?? columns;
  return {
    points: columns.time.length,
    time: Array.from(thin.time),
    equity: Array.from(thin.equity),
    drawdownPct: Array.from(thin.drawdownPct),
  };
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

/** TaskArtifacts as they are read back: the equity as Float64 columns. */
export type StoredArtifacts = Omit<TaskArtifacts, 'equity'> & { equity: EquityColumns };

export interface WriteResult {
  dir: string;
  /** false when a complete result was already there (a re-run after a crash): it is kept. */
  written: boolean;
  /** Bytes of the files written (what the owner's disk usage counts); 0 when not written. */
  bytes: number;
}

function isExistingDirError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR';
}

/**
 * The equity columns one after another, written from their own memory: no copy, no text, one
 * write call for the three. Resolves to the bytes written.
 */
async function writeEquityFile(path: string, columns: EquityColumns): Promise<number> {
  const file = await open(path, 'w');
  try {
    const parts = EQUITY_COLUMNS.map((name) => {
      const values = columns[name];
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    });
    const { bytesWritten } = await file.writev(parts);
    return bytesWritten;
  } finally {
    await file.close();
  }
}

/**
 * Text gathered and written once it reaches WRITE_CHUNK_CHARS (and at the end): a file of a few
 * hundred trades takes one write instead of one per piece, and no string grows with the file.
 */
class ChunkedText {
  #pending = '';
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly file: FileHandle) {}

  async add(text: string): Promise<void> {
    this.#pending += text;
    if (this.#pending.length >= WRITE_CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending === '') return;
    this.bytes += (await this.file.write(this.#pending)).bytesWritten;
    this.#pending = '';
  }
}

/** `[a,b,...]` serialised TRADES_PER_WRITE records at a time. */
async function addJsonArray(out: ChunkedText, items: readonly unknown[]): Promise<void> {
  await out.add('[');
  for (let from = 0; from < items.length; from += TRADES_PER_WRITE) {
    const chunk = items.slice(from, from + TRADES_PER_WRITE).map((item) => JSON.stringify(item));
    await out.add((from === 0 ? '' : ',') + chunk.join(','));
  }
  await out.add(']');
}

/**
 * The trades as one JSON document, written incrementally: a run with millions of trades made
 * JSON.stringify fail with "Invalid string length". Resolves to the bytes written.
 */
async function writeTradesFile(path: string, trades: TradesArtifact): Promise<number> {
  const file = await open(path, 'w');
  try {
    const out = new ChunkedText(file);
    await out.add('{"trades":');
    await addJsonArray(out, trades.trades);
    await out.add(',"openTrades":');
    await addJsonArray(out, trades.openTrades);
    await out.add('}');
    await out.flush();
    return out.bytes;
  } finally {
    await file.close();
  }
}

/** Writes `text` to a new file; resolves to its length in bytes. */
async function writeTextFile(path: string, text: string): Promise<number> {
  await writeFile(path, text);
  return Buffer.byteLength(text);
}

/**
 * Writes the files into a temporary directory beside the target and renames it into place, so
 * a crash never leaves half a result, and a second run of the same backtest finds the first
 * one's complete directory and leaves it alone. Large parts are written without building them
 * as one string: the equity as binary columns, the trades a thousand at a time.
 */
export async function writeTaskArtifacts(
  dataRoot: string,
  backtestId: string,
  artifacts: TaskArtifacts,
): Promise<WriteResult> {
  const root = tasksRoot(dataRoot);
  const dir = taskDir(dataRoot, backtestId);
  const temp = join(root, partialWriteName(backtestId));
  // The tasks directory exists after the first result: made only when the first mkdir says not.
  await mkdir(temp).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    await mkdir(root, { recursive: true });
    await mkdir(temp);
  });
  const file = (name: string) => join(temp, name);
  try {
    const equity = toColumns(artifacts.equity);
    const manifest: ResultManifest = {
      ...artifacts.manifest,
      formatVersion: ARTIFACT_FORMAT_VERSION,
      files: {
        equity: ARTIFACT_FILES.equity,
        equityPreview: ARTIFACT_FILES.equityPreview,
        trades: ARTIFACT_FILES.trades,
        stats: ARTIFACT_FILES.stats,
      },
    };
    const sizes = await Promise.all([
      writeTextFile(file(ARTIFACT_FILES.manifest), JSON.stringify(manifest)),
      writeTextFile(file(ARTIFACT_FILES.stats), JSON.stringify(artifacts.stats)),
      writeEquityFile(file(ARTIFACT_FILES.equity), equity),
      writeTextFile(file(ARTIFACT_FILES.equityPreview), JSON.stringify(toPreview(equity))),
      writeTradesFile(file(ARTIFACT_FILES.trades), artifacts.trades),
    ]);
    await rename(temp, dir);
    return { dir, written: true, bytes: sizes.reduce((sum, size) => sum + size, 0) };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (isExistingDirError(error)) return { dir, written: false, bytes: 0 };
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
function upgrade<K extends Exclude<ArtifactKind, 'equity'>>(
  kind: K,
  stored: unknown,
): StoredArtifacts[K] {
  if (kind === 'trades') {
    const { trades, openTrades } = stored as Record<
      keyof TradesArtifact,
      Array<TradeRecord | Trade>
    >;
    return {
      trades: trades.map(upgradeTrade),
      openTrades: openTrades.map(upgradeTrade),
    } as StoredArtifacts[K];
  }
  if (kind === 'manifest') {
    return {
      ...(stored as ResultManifest),
      formatVersion: ARTIFACT_FORMAT_VERSION,
    } as StoredArtifacts[K];
  }
  return stored as StoredArtifacts[K];
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The equity columns of equity.f64, or of a format-1/2 equity.json; null if neither is there. */
async function readEquity(dir: string): Promise<EquityColumns | null> {
  try {
    const bytes = await readFile(join(dir, ARTIFACT_FILES.equity));
    // A copy: a Float64Array needs its own 8-byte-aligned buffer.
    const all = new Float64Array(new Uint8Array(bytes).buffer);
    const n = all.length / EQUITY_COLUMNS.length;
    return {
      time: all.subarray(0, n),
      equity: all.subarray(n, 2 * n),
      drawdownPct: all.subarray(2 * n, 3 * n),
    };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  try {
    const legacy = JSON.parse(await readFile(join(dir, LEGACY_EQUITY_FILE), 'utf8'));
    return toColumns(legacy as EquityArtifact);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** One artifact of a backtest, parsed, in the current format; null if it has no result on disk. */
export async function readTaskArtifact<K extends ArtifactKind>(
  dataRoot: string,
  backtestId: string,
  kind: K,
): Promise<StoredArtifacts[K] | null> {
  const dir = taskDir(dataRoot, backtestId);
  if (kind === 'equity') return (await readEquity(dir)) as StoredArtifacts[K] | null;
  try {
    const text = await readFile(join(dir, ARTIFACT_FILES[kind]), 'utf8');
    return upgrade(kind as Exclude<ArtifactKind, 'equity'>, JSON.parse(text)) as StoredArtifacts[K];
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * The ready preview of the equity series; for a result older than format 3, which has none, it
 * is computed from the full series. Null if the result is gone.
 */
export async function readEquityPreview(
  dataRoot: string,
  backtestId: string,
): Promise<EquityPreview | null> {
  const dir = taskDir(dataRoot, backtestId);
  try {
    return JSON.parse(await readFile(join(dir, ARTIFACT_FILES.equityPreview), 'utf8'));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const columns = await readEquity(dir);
  return columns && toPreview(columns);
}

/** Removes a backtest's result directory (DELETE /backtests/:id); false if there was none. */
export function checkpointDir(dataRoot: string, backtestId: string): string {
  return join(dataRoot, CHECKPOINTS_DIR, backtestId);
}

/** A backtest's checkpoints are gone once it ends: completed, failed, cancelled or deleted. */
export function removeCheckpoints(dataRoot: string, backtestId: string): Promise<void> {
  return rm(checkpointDir(dataRoot, backtestId), { recursive: true, force: true });
}

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
