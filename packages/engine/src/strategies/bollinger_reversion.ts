import Type, { type Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { StrategyDefinition } from './types.js';

export const BollingerReversionParams = strategyParams({
  period: periodParam(20, 'Bars in the moving average and standard deviation.', 2),
  stdDev: Type.Number({
    default: 2,
    exclusiveMinimum: 0,
    maximum: 10,
    description: 'Distance of the bands from the middle, in population standard deviations.',
  }),
});
export type BollingerReversionParams = Static<typeof BollingerReversionParams>;

/** The middle band is the SMA of the period (bollinger() computes it so). */
const middleBand = (params: BollingerReversionParams): SeriesSpec => ({
  name: 'sma',
  params: { period: params.period },
});
const lowerBand = (params: BollingerReversionParams): SeriesSpec => ({
  name: 'bollinger_lower',
  params: { period: params.period, stdDev: params.stdDev },
});

/** enterLong = close < lower band, exitLong = close > middle band; warm-up period - 1. */
export const bollingerReversion: StrategyDefinition<typeof BollingerReversionParams> = {
  name: 'bollinger_reversion',
  description:
    'Buys when the close falls below the lower Bollinger Band and sells when it climbs back above the middle band (the moving average). Long only.',
  params: BollingerReversionParams,
  reads: () => ['close'],
  indicators: (params) => [middleBand(params), lowerBand(params)],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    const middle = indicators.series(middleBand(params));
    const lower = indicators.series(lowerBand(params));
    const signals = emptySignals(bars.length, firstDefined(middle), indicators);
    const { close } = bars;
    for (let i = signals.warmup; i < bars.length; i++) {
      if (close[i]! < lower[i]!) signals.enterLong[i] = 1;
      else if (close[i]! > middle[i]!) signals.exitLong[i] = 1;
    }
    return signals;
  },
};
