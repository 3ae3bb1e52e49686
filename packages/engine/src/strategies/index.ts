export { BollingerReversionParams, bollingerReversion } from './bollinger_reversion.js';
export { BuyAndHoldParams, buyAndHold } from './buy_and_hold.js';
export { strategyColumns } from './columns.js';
export { DonchianBreakoutParams, donchianBreakout } from './donchian_breakout.js';
export { EmaCrossoverParams, emaCrossover } from './ema_crossover.js';
export { StrategyParamsError, UnknownStrategyError } from './errors.js';
export { MacdCrossoverParams, macdCrossover } from './macd_crossover.js';
export {
  getStrategy,
  isStrategyName,
  listStrategies,
  resolveParams,
  STRATEGY_NAMES,
  type StrategyInfo,
  type StrategyName,
  type StrategyParams,
  strategies,
} from './registry.js';
export { RsiMeanReversionParams, rsiMeanReversion } from './rsi_mean_reversion.js';
export { RulesParams, rules } from './rules.js';
export { MAX_PERIOD } from './schema.js';
export {
  BarsIndicators,
  computeSeries,
  type IndicatorProvider,
  type SeriesName,
  type SeriesSpec,
  seriesKey,
} from './series.js';
export { SmaCrossoverParams, smaCrossover } from './sma_crossover.js';
export type { ParamIssue, StrategyDefinition } from './types.js';
export { VolumeZoneBreakoutParams, volumeZoneBreakout } from './volume_zone_breakout.js';
