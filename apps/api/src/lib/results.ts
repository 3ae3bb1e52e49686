import { downsample, type Stats } from '@hindsight/metrics';
import { type BacktestRecord, createError } from '@hindsight/models';
import { type ArtifactKind, readTaskArtifact, type TaskArtifacts } from '@hindsight/service';
import type { EquityBody, ResultBody, TradesBody } from '../schemas/result.js';

/** The record must be completed for its result to exist; HS_ERR_NOT_READY says what it is. */
function requireCompleted(record: BacktestRecord): void {
  if (record.status !== 'completed') {
    throw createError('HS_ERR_NOT_READY', { id: record.id, status: record.status });
  }
}

async function artifact<K extends ArtifactKind>(
  dataRoot: string,
  record: BacktestRecord,
  kind: K,
): Promise<TaskArtifacts[K]> {
  requireCompleted(record);
  const value = await readTaskArtifact(dataRoot, record.id, kind);
  if (value === null) {
    throw createError('HS_ERR_CONFLICT', {
      reason: `the result files of backtest '${record.id}' were removed (they expire after TASK_RESULT_TTL_DAYS); rerun it`,
    });
  }
  return value;
}

export async function readResult(dataRoot: string, record: BacktestRecord): Promise<ResultBody> {
  const [manifest, stats] = await Promise.all([
    artifact(dataRoot, record, 'manifest'),
    artifact(dataRoot, record, 'stats'),
  ]);
  return {
    id: record.id,
    fingerprint: manifest.fingerprint,
    engineVersion: manifest.engineVersion,
    params: manifest.params,
    reusedFrom: manifest.reusedFrom,
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

export async function readEquityColumns(dataRoot: string, record: BacktestRecord) {
  const equity = await artifact(dataRoot, record, 'equity');
  return {
    time: Float64Array.from(equity.time),
    equity: Float64Array.from(equity.equity),
    drawdownPct: Float64Array.from(equity.drawdownPct),
  };
}

export async function readEquity(
  dataRoot: string,
  record: BacktestRecord,
  maxPoints: number | undefined,
): Promise<EquityBody> {
  const columns = await readEquityColumns(dataRoot, record);
  const points = columns.time.length;
  const thin = maxPoints !== undefined && points > maxPoints;
  const series = (values: Float64Array) => {
    const out = thin ? downsample(columns.time, values, maxPoints) : { time: columns.time, values };
    return { time: Array.from(out.time), values: Array.from(out.values) };
  };
  return {
    points,
    downsampled: thin,
    equity: series(columns.equity),
    drawdownPct: series(columns.drawdownPct),
  };
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
