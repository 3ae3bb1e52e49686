import Type, { type Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { throwIfBroken } from './errors.js';
import { periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { ParamIssue, StrategyDefinition } from './types.js';

export const RsiMeanReversionParams = strategyParams({
  period: periodParam(14, "Bars in Wilder's RSI.", 2),
  lower: Type.Number({
    default: 30,
    minimum: 0,
    maximum: 100,
    description: 'Buy when the RSI closes below this level (oversold).',
  }),
  upper: Type.Number({
    default: 70,
    minimum: 0,
    maximum: 100,
    description: 'Sell when the RSI closes above this level (overbought); must exceed lower.',
  }),
});
export type RsiMeanReversionParams = Static<typeof RsiMeanReversionParams>;

function lowerBelowUpper(params: { lower: number; upper: number }): ParamIssue | undefined {
  if (params.lower < params.upper) return undefined;
  return {
    param: 'lower',
    problem: `must be < upper (got lower=${params.lower}, upper=${params.upper})`,
  };
}

const rsiOf = (period: number): SeriesSpec => ({ name: 'rsi', params: { period } });

/** enterLong = RSI < lower, exitLong = RSI > upper; warm-up `period`, the first defined RSI (rsi.ts). */
export const rsiMeanReversion: StrategyDefinition<typeof RsiMeanReversionParams> = {
  name: 'rsi_mean_reversion',
  description:
    "Buys when Wilder's RSI of the close falls below lower (oversold) and sells when it rises above upper (overbought). Long only.",
  params: RsiMeanReversionParams,
  validate: lowerBelowUpper,
  reads: () => [],
  indicators: (params) => [rsiOf(params.period)],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    throwIfBroken('rsi_mean_reversion', lowerBelowUpper(params));
    const strength = indicators.series(rsiOf(params.period));
    const signals = emptySignals(bars.length, firstDefined(strength), indicators);
    for (let i = signals.warmup; i < bars.length; i++) {
      const value = strength[i]!;
      if (value < params.lower) signals.enterLong[i] = 1;
      else if (value > params.upper) signals.exitLong[i] = 1;
    }
    return signals;
  },
};
