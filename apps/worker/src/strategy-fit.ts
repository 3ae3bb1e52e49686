import {
  type Bars,
  getStrategy,
  resolveParams,
  type StrategyDefinition,
  validateSimulationConfig,
} from '@hindsight/engine';
import { type BacktestRecord, toSimulationConfig } from '@hindsight/models';
import type { BarRequest } from './bar-source.js';
import { BacktestInputError } from './failure.js';

/** A backtest's strategy and parameters, checked: what `strategyFitsBars` needs. */
export interface CheckedStrategy {
  name: string;
  strategy: StrategyDefinition;
  params: Record<string, unknown>;
}

/**
 * The first half of the check a backtest passes before it is simulated: a known strategy, valid
 * parameters and valid costs. Throws the engine's error otherwise.
 */
export function checkStrategyConfig(record: Pick<BacktestRecord, 'config'>): CheckedStrategy {
  const { name, params } = record.config.strategy;
  const strategy = getStrategy(name);
  const resolved: Record<string, unknown> = resolveParams(name, params);
  validateSimulationConfig(toSimulationConfig(record.config));
  return { name, strategy, params: resolved };
}

/**
 * The second half, per symbol: the strategy's warm-up is shorter than the bars. Returns the
 * warm-up; throws a BacktestInputError naming the fix, so a bad config fails once, with a
 * reason, whichever job finds it (the indicators job, or the simulation when it runs alone).
 */
export function strategyFitsBars(
  checked: CheckedStrategy,
  request: BarRequest,
  bars: Bars,
): number {
  const { warmup } = checked.strategy.signals(bars, checked.params);
  if (warmup >= bars.length) {
    throw new BacktestInputError(
      `strategy ${checked.name} with these parameters needs a longer warm-up than the ` +
        `${bars.length} ${request.timeframe} bars of ${request.symbol} from ` +
        `${request.start} to ${request.end}: widen the range or shorten the periods`,
    );
  }
  return warmup;
}
