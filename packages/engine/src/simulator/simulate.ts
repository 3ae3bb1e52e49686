import type { BarColumn } from '../bars.js';
import { BarLoop } from './bar-loop.js';
import { SimulationConfigError, validateSimulationConfig } from './config.js';
import { validateSimulationInputs } from './inputs.js';
import type {
  SimulationConfig,
  SimulationOptions,
  SimulationResult,
  SymbolInput,
} from './types.js';

/**
 * Runs a backtest: bars and signals per symbol in, the equity curve, cash and trades out. The rules
 * of both profiles are in docs/conventions.md. Deterministic: the same inputs give the same
 * outputs. `result.time` is the first input's own time column (not a copy).
 * @throws SimulationConfigError for a bad config or inconsistent inputs.
 * @throws SimulationAbortedError when `options.signal` is aborted (polled every 4,096 bars).
 */
export function simulate(
  inputs: readonly SymbolInput[],
  config: SimulationConfig,
  options: SimulationOptions = {},
): SimulationResult {
  validateSimulationConfig(config);
  const { length, warmup } = validateSimulationInputs(inputs, config);
  const every = options.progressEveryBars;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) {
    throw new SimulationConfigError(`progressEveryBars must be a whole number >= 1, got ${every}`);
  }
  if (options.keepCash === false && (options.checkpoints || options.resumeFrom)) {
    throw new SimulationConfigError(
      'checkpoints carry the cash series: keepCash cannot be false with checkpoints or resumeFrom',
    );
  }
  if (options.equityInto !== undefined && options.equityInto.length !== length) {
    throw new SimulationConfigError(
      `equityInto holds ${options.equityInto.length} values for ${length} bars`,
    );
  }
  return new BarLoop(inputs, config, length, warmup, options).run();
}

/**
 * The bar columns (besides time) a simulation with this config reads: the close (marking, and
 * fills with fill=close), the open (next-open fills, stops gapped through, backtesting.py's
 * finalize), and the high and low only to trigger stop-loss and take-profit.
 */
export function simulationColumns(config: SimulationConfig): BarColumn[] {
  const stops = config.stopLossPct !== null || config.takeProfitPct !== null;
  return stops ? ['open', 'high', 'low', 'close'] : ['open', 'close'];
}
