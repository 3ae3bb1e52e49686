import type { WalkForwardReport } from '@hindsight/models';
import { formatStat } from './format-stat.js';

/** What both sweep commands print of a finished sweep (the api's SweepView has these fields). */
export interface FinishedSweep {
  combos: { total: number; done: number; skipped: number; failed: number };
  leaderboard: ReadonlyArray<{
    rank: number;
    params: Record<string, unknown>;
    stats: Readonly<Record<string, unknown>>;
    deflatedSharpeRatio: number | null;
    probabilisticSharpeRatio: number | null;
  }>;
  /** Null until the sweep is done (the api's view). */
  overfitting: { trials: number; pbo: number | null; splits: number | null } | null;
  /** With a walk-forward analysis, once done. */
  walkForward?: WalkForwardReport | null;
}

const SHOWN = 10;

function formatParams(params: Record<string, unknown>, keys: readonly string[]): string {
  return keys.map((key) => `${key}=${String(params[key])}`).join(' ');
}

/**
 * The counts, the top 10 by the objective with each entry's deflated and probabilistic Sharpe
 * ratios, and the probability of backtest overfitting of the whole search.
 */
export function formatLeaderboard(
  sweep: FinishedSweep,
  objective: string,
  keys: readonly string[],
): string {
  const { combos, overfitting } = sweep;
  const lines = [
    `${combos.total} combinations: ${combos.done - combos.skipped - combos.failed} ran, ${combos.skipped} skipped, ${combos.failed} failed`,
    `rank  ${objective.padEnd(14)} ${'DSR'.padEnd(9)}${'PSR'.padEnd(9)}params`,
  ];
  for (const entry of sweep.leaderboard.slice(0, SHOWN)) {
    const value = entry.stats[objective];
    lines.push(
      `${String(entry.rank).padStart(4)}  ${formatStat(typeof value === 'number' ? value : null).padEnd(14)} ${formatStat(entry.deflatedSharpeRatio).padEnd(8)} ${formatStat(entry.probabilisticSharpeRatio).padEnd(8)} ${formatParams(entry.params, keys)}`,
    );
  }
  if (overfitting) {
    const splits = overfitting.splits === null ? '' : ` over ${overfitting.splits} CSCV splits`;
    lines.push(
      `probability of backtest overfitting ${formatStat(overfitting.pbo)}${splits}, ${overfitting.trials} trials`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One line a fold: its windows' dates, the parameters chosen in sample, the objective there and
 * out of sample, and the return out of sample; then the stitched out-of-sample statistics and
 * the walk-forward efficiency.
 */
export function formatWalkForward(report: WalkForwardReport, keys: readonly string[]): string {
  const { key } = report.objective;
  const day = (iso: string) => iso.slice(0, 10);
  const stat = (stats: WalkForwardReport['stats'], name: string) =>
    formatStat(stats[name as keyof typeof stats] as number | null);
  const lines = [
    `walk-forward, ${report.folds.length} ${report.mode} folds (${report.inSampleBars} in-sample, ${report.outOfSampleBars} out-of-sample bars):`,
    `fold  in sample               out of sample            ${`IS ${key}`.padEnd(14)} ${`OOS ${key}`.padEnd(14)} ${'OOS return %'.padEnd(13)}params`,
  ];
  for (const fold of report.folds) {
    lines.push(
      `${String(fold.fold).padStart(4)}  ${day(fold.inSample.start)}..${day(fold.inSample.end)}  ${day(fold.outOfSample.start)}..${day(fold.outOfSample.end)}  ${formatStat(fold.inSampleObjective).padEnd(14)} ${stat(fold.outOfSampleStats, key).padEnd(14)} ${stat(fold.outOfSampleStats, 'returnPct').padEnd(13)}${formatParams(fold.params, keys)}`,
    );
  }
  const { stats } = report;
  lines.push(
    `stitched out of sample: return ${stat(stats, 'returnPct')} %, CAGR ${stat(stats, 'cagrPct')} %, max drawdown ${stat(stats, 'maxDrawdownPct')} %, ${stats.trades} trades, ${key} ${stat(stats, key)}; walk-forward efficiency ${formatStat(report.efficiency)}`,
  );
  return `${lines.join('\n')}\n`;
}
