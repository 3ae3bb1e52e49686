import type { Static } from 'typebox';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import { smaCrossings } from './sma_crossings.js';
import type { StrategyDefinition } from './types.js';

export const SmaCrossoverParams = strategyParams({
  fast: periodParam(10, 'Bars in the fast simple moving average; must be less than slow.'),
  slow: periodParam(30, 'Bars in the slow simple moving average.', 2),
  allowShort: allowShortParam(),
});
export type SmaCrossoverParams = Static<typeof SmaCrossoverParams>;

/** backtesting.py's own example strategy (SmaCross); warm-up slow - 1. */
export const smaCrossover: StrategyDefinition<typeof SmaCrossoverParams> = {
  name: 'sma_crossover',
  description:
    'Goes long when the fast simple moving average of the close crosses above the slow one and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: SmaCrossoverParams,
  validate: fastBelowSlow,
  signals(bars, params) {
    throwIfBroken('sma_crossover', fastBelowSlow(params));
    return smaCrossings(bars.close, params.fast, params.slow, params.allowShort);
  },
};
