import type { Static } from 'typebox';
import { sma } from '../indicators/index.js';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
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
    const fast = sma(bars.close, params.fast);
    const slow = sma(bars.close, params.slow);
    const warmup = Math.max(firstDefined(fast), firstDefined(slow));
    return markCrossings(fast, slow, params.allowShort, emptySignals(bars.length, warmup));
  },
};
