import { drawdownPct } from './drawdown.js';
import { MetricsInputError } from './errors.js';

export interface EquityAndDrawdown {
  time: Float64Array;
  equity: Float64Array;
  /** -(1 - E[t] / max(E[0..t])) x100: 0 at a new high, its minimum equals Stats.maxDrawdownPct. */
  drawdownPct: Float64Array;
}

/** The equity curve with its drawdown, for plotting; `time` and `equity` are returned as given. */
export function equityAndDrawdown(time: Float64Array, equity: Float64Array): EquityAndDrawdown {
  if (time.length !== equity.length) {
    throw new MetricsInputError(
      `time and equity must have equal lengths (got ${time.length} and ${equity.length})`,
    );
  }
  return { time, equity, drawdownPct: drawdownPct(equity) };
}
