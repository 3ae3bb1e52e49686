import {
  BAR_COLUMNS,
  type BarColumn,
  type Bars,
  getStrategy,
  resolveParams,
  type Signals,
  type SimulationConfig,
  type SimulationOptions,
  type SimulationResult,
  type SymbolInput,
  simulate,
  simulationColumns,
  strategyColumns,
} from '@hindsight/engine';
import {
  computeStats,
  computeStatsAndTrial,
  type MarketScan,
  type Stats,
  type StatsInput,
  type TrialSummary,
} from '@hindsight/metrics';
import type { PreparedBacktest } from './prepare.js';

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
  const prepared = {
    strategy: getStrategy(input.strategy),
    params: resolveParams(input.strategy, input.params ?? {}) as Record<string, unknown>,
    simulation: input.config,
  };
  return runPrepared(prepared, input.symbols, options);
}

/** One symbol of a prepared run; `signals`, when given, were computed on these very bars. */
export interface PreparedSymbol {
  symbol: string;
  bars: Bars;
  weight?: number;
  signals?: Signals;
}

/**
 * runBacktest for a backtest prepareBacktest has checked: its parameters are not resolved again,
 * and signals a caller already computed (checking the warm-up) are not computed again. `market`,
 * when given, is the statistics' scan of these symbols' time and benchmark (`scanMarket(time,
 * benchmarkClose(withWeights(symbols)))`), shared by runs on the same bars.
 * @throws SimulationConfigError, SimulationAbortedError
 */
export function runPrepared(
  prepared: Pick<PreparedBacktest, 'strategy' | 'params' | 'simulation'>,
  symbols: ReadonlyArray<PreparedSymbol>,
  options: SimulationOptions = {},
  market?: MarketScan,
): BacktestOutput {
  const { params, simulation, statsInput } = simulatePrepared(prepared, symbols, options, market);
  return { params, simulation, stats: computeStats(statsInput, market) };
}

/**
 * runPrepared and the trial summary a sweep's cell keeps, from computeStatsAndTrial: the same
 * simulation, and statistics bit for bit those of runPrepared.
 * @throws SimulationConfigError, SimulationAbortedError
 */
export function runPreparedCell(
  prepared: Pick<PreparedBacktest, 'strategy' | 'params' | 'simulation'>,
  symbols: ReadonlyArray<PreparedSymbol>,
  options: SimulationOptions,
  market: MarketScan,
  partitions: number,
): BacktestOutput & { trial: TrialSummary } {
  const { params, simulation, statsInput } = simulatePrepared(prepared, symbols, options, market);
  return { params, simulation, ...computeStatsAndTrial(statsInput, market, partitions) };
}

/** The simulation of runPrepared, and what its statistics are computed from. */
function simulatePrepared(
  prepared: Pick<PreparedBacktest, 'strategy' | 'params' | 'simulation'>,
  symbols: ReadonlyArray<PreparedSymbol>,
  options: SimulationOptions,
  market: MarketScan | undefined,
): { params: Record<string, unknown>; simulation: SimulationResult; statsInput: StatsInput } {
  const { strategy, params } = prepared;
  const inputs: SymbolInput[] = withWeights(symbols).map(({ symbol, bars, weight, signals }) => ({
    symbol,
    bars,
    weight,
    signals: signals ?? strategy.signals(bars, params),
  }));
  const config = prepared.simulation;
  const simulation = simulate(inputs, config, options);
  const statsInput: StatsInput = {
    time: simulation.time,
    equity: simulation.equity,
    close: market?.close ?? benchmarkClose(inputs),
    trades: simulation.trades,
    openTrades: simulation.openTrades,
    warmup: simulation.warmup,
    conventions: config.conventions,
  };
  return { params, simulation, statsInput };
}

/** The symbols with their weights: as given, or equal (1 / symbols) where not given. */
export function withWeights<S extends { weight?: number }>(
  symbols: ReadonlyArray<S>,
): Array<S & { weight: number }> {
  const equalWeight = 1 / symbols.length;
  return symbols.map((s) => ({ ...s, weight: s.weight ?? equalWeight }));
}

/**
 * The bar columns (besides time) a run of this prepared backtest reads: the strategy's, the
 * simulation's, and the close of the buy-and-hold benchmark. A loader that keeps only these
 * (requireColumns) gives the run bit for bit the result of whole bars, in less memory.
 */
export function runColumns(
  prepared: Pick<PreparedBacktest, 'strategy' | 'params' | 'simulation'>,
): BarColumn[] {
  const reads = new Set<BarColumn>([
    ...strategyColumns(prepared.strategy, prepared.params),
    ...simulationColumns(prepared.simulation),
    'close',
  ]);
  return BAR_COLUMNS.filter((column) => reads.has(column));
}

/**
 * Buy-and-hold benchmark: one symbol's closes as they are; for a portfolio, the weighted
 * price index sum(w * C[t] / C[0]) - a buy-and-hold of every symbol at its weight.
 */
export function benchmarkClose(
  inputs: ReadonlyArray<Pick<SymbolInput, 'bars' | 'weight'>>,
): Float64Array {
  if (inputs.length === 1) return inputs[0]!.bars.close;
  const length = inputs[0]!.bars.length;
  const index = new Float64Array(length);
  for (const { bars, weight } of inputs) {
    const base = bars.close[0]!;
    for (let t = 0; t < length; t++) index[t]! += (weight * bars.close[t]!) / base;
  }
  return index;
}
