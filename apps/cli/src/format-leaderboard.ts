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
