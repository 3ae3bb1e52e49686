import type { Conventions, Trade } from '@hindsight/engine';
import { MetricsInputError } from './errors.js';
import type { StatsInput } from './types.js';

/** A record, not a list, so a profile added to the engine's Conventions fails to compile here. */
const PROFILES: Record<Conventions, true> = { hindsight: true, 'backtesting.py': true };

/**
 * Rejects input the statistics would silently turn into nonsense, naming the first bad value.
 * The per-bar checks (increasing finite time, finite equity, positive close) run inside the single
 * pass over the bars (scan.ts), so the bars are not read twice.
 */
export function validateStatsInput(input: StatsInput): void {
  const { time, equity, close, warmup } = input;
  const n = time.length;
  if (n === 0) throw new MetricsInputError('time is empty: statistics need at least one bar');
  if (equity.length !== n || close.length !== n) {
    throw new MetricsInputError(
      `time, equity and close must have equal lengths (got ${n}, ${equity.length}, ${close.length})`,
    );
  }
  if (!Object.hasOwn(PROFILES, input.conventions)) {
    throw new MetricsInputError(`unknown conventions profile ${JSON.stringify(input.conventions)}`);
  }
  if (!Number.isInteger(warmup) || warmup < 0 || warmup >= n) {
    throw new MetricsInputError(`warmup ${warmup} must be an integer bar index in [0, ${n - 1}]`);
  }
  if (!(equity[0]! > 0)) {
    throw new MetricsInputError(`equity[0] = ${equity[0]} must be positive: returns divide by it`);
  }
  validateTrades(input.trades, 'trades', n);
  validateTrades(input.openTrades, 'openTrades', n);
}

/** Indexed, and naming the trade only on failure: a sweep validates every combination's trades. */
function validateTrades(trades: readonly Trade[], name: string, bars: number): void {
  for (let i = 0; i < trades.length; i++) validateTrade(trades[i]!, name, i, bars);
}

function validateTrade(t: Trade, name: string, index: number, bars: number): void {
  const { entryBar, exitBar } = t;
  if (!Number.isInteger(entryBar) || !Number.isInteger(exitBar)) {
    throw new MetricsInputError(`${name}[${index}]: entryBar and exitBar must be integers`);
  }
  if (entryBar < 0 || exitBar >= bars || exitBar < entryBar) {
    throw new MetricsInputError(
      `${name}[${index}]: bars ${entryBar}..${exitBar} must satisfy 0 <= entryBar <= exitBar < ${bars}`,
    );
  }
  const field = nonFiniteField(t);
  if (field !== null) {
    throw new MetricsInputError(`${name}[${index}].${field} = ${t[field]} is not finite`);
  }
  if (!Number.isFinite(t.entryTime) || !(t.exitTime >= t.entryTime)) {
    throw new MetricsInputError(
      `${name}[${index}]: exitTime must be finite and not before entryTime`,
    );
  }
}

/**
 * The first of the trade's amounts that is not finite, or null: each read by name (a load by a
 * computed key would box every value it reads).
 */
function nonFiniteField(t: Trade): keyof Trade | null {
  if (!Number.isFinite(t.size)) return 'size';
  if (!Number.isFinite(t.entryPrice)) return 'entryPrice';
  if (!Number.isFinite(t.exitPrice)) return 'exitPrice';
  if (!Number.isFinite(t.pnl)) return 'pnl';
  if (!Number.isFinite(t.commission)) return 'commission';
  if (!Number.isFinite(t.returnPct)) return 'returnPct';
  return null;
}
