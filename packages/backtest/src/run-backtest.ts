import {
  type Bars,
  getStrategy,
  resolveParams,
  type SimulationConfig,
  type SimulationOptions,
  type SimulationResult,
  type SymbolInput,
  simulate,
} from '@hindsight/engine';
import { computeStats, type Stats } from '@hindsight/metrics';

export interface BacktestInput {
  /** One entry per symbol, all on the same timeline (see alignBars). */
  symbols: ReadonlyArray<{ symbol: string; bars: Bars; weight?: number }>;
  strategy: string;
  /** Raw parameters: defaults are applied and every value is checked against the strategy's schema. */
  params?: unknown;
  config: SimulationConfig;
}

export interface BacktestOutput {
  params: Record<string, unknown>;
  simulation: SimulationResult;
  stats: Stats;
}

/**
 * Runs one backtest end to end: the strategy's signals for each symbol, the simulation, then every
 * statistic. Pure and deterministic; the same input always gives the same output.
 * @throws UnknownStrategyError, StrategyParamsError, SimulationConfigError, SimulationAbortedError
 */
export function runBacktest(input: BacktestInput, options: SimulationOptions = {}): BacktestOutput {
  const definition = getStrategy(input.strategy);
  const params = resolveParams(input.strategy, input.params ?? {});
  const equalWeight = 1 / input.symbols.length;
  const inputs: SymbolInput[] = input.symbols.map(({ symbol, bars, weight }) => ({
    symbol,
    bars,
    weight: weight ?? equalWeight,
    signals: definition.signals(bars, params),
  }));
  const simulation = simulate(inputs, input.config, options);
  const stats = computeStats({
    time: simulation.time,
    equity: simulation.equity,
    close: benchmarkClose(inputs),
    trades: simulation.trades,
    openTrades: simulation.openTrades,
    warmup: simulation.warmup,
    conventions: input.config.conventions,
  });
  return { params: params as Record<string, unknown>, simulation, stats };
}

/**
 * Buy-and-hold benchmark: one symbol's closes as they are; for a portfolio, the weighted
 * price index sum(w * C[t] / C[0]) - a buy-and-hold of every symbol at its weight.
 */
function benchmarkClose(inputs: readonly SymbolInput[]): Float64Array {
  if (inputs.length === 1) return inputs[0]!.bars.close;
  const length = inputs[0]!.bars.length;
  const index = new Float64Array(length);
  for (const { bars, weight } of inputs) {
    const base = bars.close[0]!;
    for (let t = 0; t < length; t++) index[t]! += (weight * bars.close[t]!) / base;
  }
  return index;
}
