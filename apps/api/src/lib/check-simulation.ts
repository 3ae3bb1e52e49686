import {
  SimulationConfigError,
  validateBacktestingPySymbolCount,
  validateSimulationConfig,
} from '@hindsight/engine';
import { type BacktestRequest, createError, toSimulationConfig } from '@hindsight/models';

/**
 * The engine's own rules for a run's settings, checked at submit rather than in the worker, so
 * a request the engine would refuse (commission of 10 %, slippage under the backtesting.py
 * profile, several symbols under it) is a 400 and never an accepted backtest that fails later.
 * @throws HS_ERR_VALIDATION with the engine's message.
 */
export function checkSimulationConfig(config: BacktestRequest): void {
  try {
    validateSimulationConfig(toSimulationConfig(config));
    validateBacktestingPySymbolCount(config.conventions, config.symbols.length);
  } catch (error) {
    if (error instanceof SimulationConfigError) {
      throw createError(
        'HS_ERR_VALIDATION',
        { reason: error.message },
        { details: { reason: error.message } },
      );
    }
    throw error;
  }
}
