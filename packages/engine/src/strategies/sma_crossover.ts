import type { Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import type { SeriesSpec } from './series.js';
import { smaCrossings } from './sma_crossings.js';
import type { StrategyDefinition } from './types.js';

export const SmaCrossoverParams = strategyParams({
  fast: periodParam(10, 'Bars in the fast simple moving average; must be less than slow.'),
  slow: periodParam(30, 'Bars in the slow simple moving average.', 2),
  allowShort: allowShortParam(),
});
export type SmaCrossoverParams = Static<typeof SmaCrossoverParams>;

const smaOf = (period: number): SeriesSpec => ({ name: 'sma', params: { period } });

/** backtesting.py's own example strategy (SmaCross); warm-up slow - 1. */
export const smaCrossover: StrategyDefinition<typeof SmaCrossoverParams> = {
  name: 'sma_crossover',
  description:
    'Goes long when the fast simple moving average of the close crosses above the slow one and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: SmaCrossoverParams,
  validate: fastBelowSlow,
  reads: () => ['close'],
  indicators: (params) => [smaOf(params.fast), smaOf(params.slow)],
  signals(bars, params, indicators) {
    throwIfBroken('sma_crossover', fastBelowSlow(params));
    // Alone, the fused pass (no average arrays) is fastest; given the averages, cross them.
    if (!indicators) return smaCrossings(bars.close, params.fast, params.slow, params.allowShort);
    const fast = indicators.series(smaOf(params.fast));
    const slow = indicators.series(smaOf(params.slow));
    const warmup = Math.max(firstDefined(fast), firstDefined(slow));
    return markCrossings(
      fast,
      slow,
      params.allowShort,
      emptySignals(bars.length, warmup, indicators),
    );
  },
};
