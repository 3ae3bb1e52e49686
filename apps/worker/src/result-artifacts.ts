import type { BacktestOutput } from '@hindsight/backtest';
import type { Bars } from '@hindsight/engine';
import { drawdownPct, pickStats } from '@hindsight/metrics';
import { type BacktestRecord, type BacktestSummary, SUMMARY_STATS } from '@hindsight/models';
import {
  ARTIFACT_FILES,
  ARTIFACT_FORMAT_VERSION,
  type DiskUsage,
  engineVersion,
  type Logger,
  type TaskArtifacts,
  toTradeRecord,
} from '@hindsight/service';

/** The headline numbers the record keeps; the full statistics go to stats.json. */
export function summarize(output: BacktestOutput): BacktestSummary {
  return pickStats(output.stats, SUMMARY_STATS);
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Everything one run writes under DATA_ROOT/tasks/<id>/. */
export function buildArtifacts(
  record: BacktestRecord,
  symbols: ReadonlyArray<{ symbol: string; bars: Bars }>,
  output: BacktestOutput,
  finishedAt: Date,
): TaskArtifacts {
  const { simulation } = output;
  return {
    manifest: {
      formatVersion: ARTIFACT_FORMAT_VERSION,
      id: record.id,
      ownerId: record.ownerId,
      name: record.name,
      config: record.config,
      params: output.params,
      fingerprint: record.fingerprint,
      engineVersion: engineVersion(),
      data: symbols.map(({ symbol, bars }) => ({
        symbol,
        bars: bars.length,
        first: isoTime(bars.time[0]!),
        last: isoTime(bars.time[bars.length - 1]!),
      })),
      files: {
        equity: ARTIFACT_FILES.equity,
        equityPreview: ARTIFACT_FILES.equityPreview,
        trades: ARTIFACT_FILES.trades,
        stats: ARTIFACT_FILES.stats,
      },
      createdAt: record.createdAt,
      startedAt: record.startedAt,
      finishedAt: finishedAt.toISOString(),
      reusedFrom: null,
    },
    // The engine's own columns: written as binary, never copied into arrays of numbers.
    equity: {
      time: simulation.time,
      equity: simulation.equity,
      drawdownPct: drawdownPct(simulation.equity),
    },
    trades: {
      trades: simulation.trades.map(toTradeRecord),
      openTrades: simulation.openTrades.map(toTradeRecord),
    },
    stats: output.stats,
  };
}

/**
 * Counts a result just written against its owner's disk limit (checked at their next submit). A
 * lost count only lets the user keep more for a while: logged, never a failed backtest.
 */
export async function countResultBytes(
  diskUsage: DiskUsage,
  record: BacktestRecord,
  bytes: number,
  log: Logger,
): Promise<void> {
  await diskUsage
    .record(record.ownerId, record.id, bytes)
    .catch((error: unknown) => log.warn({ err: error }, 'result size not counted'));
}
