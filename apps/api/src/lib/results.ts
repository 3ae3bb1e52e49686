import { Readable } from 'node:stream';
import type { Stats } from '@hindsight/metrics';
import { type BacktestRecord, createError } from '@hindsight/models';
import {
  type ArtifactKind,
  EQUITY_PREVIEW_POINTS,
  type EquityColumns,
  jsonNumberChunks,
  readEquityPreview,
  readTaskArtifact,
  type StoredArtifacts,
  thinEquity,
} from '@hindsight/service';
import type { Store } from '@hindsight/store';
import type { EquityBody, ResultBody, TradesBody } from '../schemas/result.js';

/** The record must be completed for its result to exist; HS_ERR_NOT_READY says what it is. */
function requireCompleted(record: BacktestRecord): void {
  if (record.status !== 'completed') {
    throw createError('HS_ERR_NOT_READY', { id: record.id, status: record.status });
  }
}

function removed(record: BacktestRecord) {
  return createError('HS_ERR_CONFLICT', {
    reason: `the result files of backtest '${record.id}' were removed (they expire after TASK_RESULT_TTL_DAYS); rerun it`,
  });
}

async function artifact<K extends ArtifactKind>(
  dataRoot: string,
  record: BacktestRecord,
  kind: K,
): Promise<StoredArtifacts[K]> {
  requireCompleted(record);
  const value = await readTaskArtifact(dataRoot, record.id, kind);
  if (value === null) throw removed(record);
  return value;
}

/**
 * The source of a reused result as its reader may see it: results saved before reuse was
 * scoped name another user's backtest, which only that user may know of.
 */
async function visibleSource(
  store: Store,
  record: BacktestRecord,
  reusedFrom: string | null,
): Promise<string | null> {
  if (reusedFrom === null) return null;
  const source = await store.getBacktest(reusedFrom);
  return source?.ownerId === record.ownerId ? reusedFrom : null;
}

export async function readResult(
  dataRoot: string,
  store: Store,
  record: BacktestRecord,
): Promise<ResultBody> {
  const [manifest, stats] = await Promise.all([
    artifact(dataRoot, record, 'manifest'),
    artifact(dataRoot, record, 'stats'),
  ]);
  return {
    id: record.id,
    fingerprint: manifest.fingerprint,
    engineVersion: manifest.engineVersion,
    params: manifest.params,
    reusedFrom: await visibleSource(store, record, manifest.reusedFrom),
    stats,
    conventions: stats.conventions,
  };
}

export function readStats(dataRoot: string, record: BacktestRecord): Promise<Stats> {
  return artifact(dataRoot, record, 'stats');
}

/** Uncast: the compiler holds the stored TradeRecord and the REST TradeBody to one shape. */
export async function readTrades(dataRoot: string, record: BacktestRecord): Promise<TradesBody> {
  return artifact(dataRoot, record, 'trades');
}

export function readEquityColumns(
  dataRoot: string,
  record: BacktestRecord,
): Promise<EquityColumns> {
  return artifact(dataRoot, record, 'equity');
}

/** What GET /equity answers: a small body, or the full series as a stream. */
export type EquityAnswer =
  | { kind: 'body'; body: EquityBody }
  | { kind: 'full'; columns: EquityColumns };

function body(points: number, columns: EquityColumns): EquityBody {
  return {
    points,
    downsampled: columns.time.length < points,
    time: Array.from(columns.time),
    equity: Array.from(columns.equity),
    drawdownPct: Array.from(columns.drawdownPct),
  };
}

/**
 * The equity series for GET /equity. A maxPoints within the preview's size is answered from the
 * preview computed at save (a few kB), however long the run; a larger one thins the full series;
 * none (or one above the bar count) is the full series, for the caller to stream.
 */
export async function readEquity(
  dataRoot: string,
  record: BacktestRecord,
  maxPoints: number | undefined,
): Promise<EquityAnswer> {
  requireCompleted(record);
  const preview = await readEquityPreview(dataRoot, record.id);
  if (preview === null) throw removed(record);
  const wantsFull = maxPoints === undefined || maxPoints >= preview.points;
  if (!wantsFull && maxPoints <= EQUITY_PREVIEW_POINTS) {
    const columns = {
      time: Float64Array.from(preview.time),
      equity: Float64Array.from(preview.equity),
      drawdownPct: Float64Array.from(preview.drawdownPct),
    };
    return { kind: 'body', body: body(preview.points, thinEquity(columns, maxPoints) ?? columns) };
  }
  const columns = await readEquityColumns(dataRoot, record);
  if (wantsFull) return { kind: 'full', columns };
  return { kind: 'body', body: body(preview.points, thinEquity(columns, maxPoints) ?? columns) };
}

/**
 * The full series as an EquityBody JSON document, a chunk at a time: the stream pulls the next
 * chunk only when the socket took the last, so other requests run in between and no string of
 * the whole document (212 MB for a 3.3M-bar run) is ever built.
 */
export function equityJsonStream(columns: EquityColumns): Readable {
  function* chunks() {
    yield `{"points":${columns.time.length},"downsampled":false,"time":[`;
    yield* jsonNumberChunks(columns.time);
    yield '],"equity":[';
    yield* jsonNumberChunks(columns.equity);
    yield '],"drawdownPct":[';
    yield* jsonNumberChunks(columns.drawdownPct);
    yield ']}';
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Rows per chunk of the streamed CSV: a few hundred kB of text each. */
const ROWS_PER_CHUNK = 8192;

/** The full series as CSV rows `time,equity,drawdownPct` (time ISO 8601 UTC), streamed. */
export function equityCsvStream(columns: EquityColumns): Readable {
  function* chunks() {
    yield 'time,equity,drawdownPct\r\n';
    for (let from = 0; from < columns.time.length; from += ROWS_PER_CHUNK) {
      const to = Math.min(columns.time.length, from + ROWS_PER_CHUNK);
      let text = '';
      for (let i = from; i < to; i++) {
        text += `${new Date(columns.time[i]!).toISOString()},${columns.equity[i]},${columns.drawdownPct[i]}\r\n`;
      }
      yield text;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

const CSV_COLUMNS = [
  'symbol',
  'status',
  'size',
  'entryBar',
  'exitBar',
  'entryTime',
  'exitTime',
  'entryPrice',
  'exitPrice',
  'pnl',
  'commission',
  'returnPct',
  'exitReason',
] as const;

/** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The trades as CSV, one row per trade (closed first, then open ones), in the units of the JSON:
 * times ISO 8601 UTC, returnPct a percent.
 */
export function tradesCsv({ trades, openTrades }: TradesBody): string {
  const lines = [CSV_COLUMNS.join(',')];
  const rows = [
    ...trades.map((trade) => ({ trade, status: 'closed' })),
    ...openTrades.map((trade) => ({ trade, status: 'open' })),
  ];
  for (const { trade, status } of rows) {
    const values: Record<(typeof CSV_COLUMNS)[number], string | number> = { ...trade, status };
    lines.push(CSV_COLUMNS.map((column) => csvField(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
