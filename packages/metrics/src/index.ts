export {
  type Correlation,
  correlate,
  type DailyReturns,
  dailyReturns,
} from './across-runs/correlation.js';
export { deflatedSharpeRatio, expectedMaxSharpe } from './across-runs/deflated-sharpe.js';
export {
  type Overfitting,
  probabilityOfBacktestOverfitting,
  type TrialBlocks,
} from './across-runs/pbo.js';
export {
  computePerformanceStats,
  type PerformanceSummary,
  type RunSummary,
} from './across-runs/performance-summary.js';
export { summarizeTrial, type TrialSummary, trialSharpe } from './across-runs/trial.js';
export { betaFromLogReturns } from './beta.js';
export { activeReturns, bucketKey, periodReturns } from './daily-returns.js';
export { type Downsampled, downsample, m4Indices, valuesAt } from './downsample.js';
export { drawdownPct } from './drawdown.js';
export { MetricsInputError } from './errors.js';
export {
  geometricMean,
  geometricMeanBacktestingPy,
  meanAndStd,
  type ReturnSummary,
  summarizeReturns,
} from './moments.js';
export {
  finestUnit,
  inferPeriodicity,
  medianSpacing,
  type Periodicity,
  periodsPerYear,
  resamplingBasis,
  roundUpDays,
  roundUpMeanDays,
  weekendShare,
} from './periods.js';
export {
  erfc,
  normalCdf,
  normalQuantile,
  probabilisticSharpeRatio,
  type SharpeSample,
  sharpeProbability,
} from './psr.js';
export {
  activeRatios,
  backtestingPyYears,
  calendarYears,
  compoundAnnualGrowth,
  compoundedVolatility,
  omegaRatio,
  type RatioInput,
  type ReturnRatios,
  returnRatios,
} from './ratios.js';
export {
  type BarScan,
  type LogReturnSums,
  type MarketScan,
  scanBars,
  scanMarket,
} from './scan.js';
export { type EquityAndDrawdown, equityAndDrawdown } from './series.js';
export { computeStats, computeStatsAndTrial } from './stats.js';
export {
  type DurationUnit,
  DurationUnitSchema,
  NullableStats,
  type NumericStatKey,
  pickStats,
  type ReturnBasis,
  ReturnBasisSchema,
  type Stats,
  type StatsConventions,
  StatsConventionsSchema,
  StatsSchema,
} from './stats-schema.js';
export { exposureTimePct, type TradeStats, tradeStats, turnover } from './trades.js';
export type { StatsInput } from './types.js';
