import Type, { type Static } from 'typebox';
import { bollinger } from '../indicators/index.js';
import { emptySignals, firstDefined } from '../signals.js';
import { periodParam, strategyParams } from './schema.js';
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

/** enterLong = close < lower band, exitLong = close > middle band; warm-up period - 1. */
export const bollingerReversion: StrategyDefinition<typeof BollingerReversionParams> = {
  name: 'bollinger_reversion',
  description:
    'Buys when the close falls below the lower Bollinger Band and sells when it climbs back above the middle band (the moving average). Long only.',
  params: BollingerReversionParams,
  signals(bars, params) {
    const bands = bollinger(bars.close, params.period, params.stdDev);
    const signals = emptySignals(bars.length, firstDefined(bands.middle));
    const { close } = bars;
    for (let i = signals.warmup; i < bars.length; i++) {
      if (close[i]! < bands.lower[i]!) signals.enterLong[i] = 1;
      else if (close[i]! > bands.middle[i]!) signals.exitLong[i] = 1;
    }
    return signals;
  },
};
