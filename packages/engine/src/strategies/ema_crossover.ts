import type { Static } from 'typebox';
import { ema } from '../indicators/index.js';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import type { StrategyDefinition } from './types.js';

export const EmaCrossoverParams = strategyParams({
  fast: periodParam(12, 'Bars in the fast exponential moving average; must be less than slow.'),
  slow: periodParam(26, 'Bars in the slow exponential moving average.', 2),
  allowShort: allowShortParam(),
});
export type EmaCrossoverParams = Static<typeof EmaCrossoverParams>;

/** As sma_crossover with SMA-seeded EMAs (see `ema`); warm-up slow - 1. */
export const emaCrossover: StrategyDefinition<typeof EmaCrossoverParams> = {
  name: 'ema_crossover',
  description:
    'Goes long when the fast exponential moving average of the close crosses above the slow one and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: EmaCrossoverParams,
  validate: fastBelowSlow,
  signals(bars, params) {
    throwIfBroken('ema_crossover', fastBelowSlow(params));
    const fast = ema(bars.close, params.fast);
    const slow = ema(bars.close, params.slow);
    const warmup = Math.max(firstDefined(fast), firstDefined(slow));
    return markCrossings(fast, slow, params.allowShort, emptySignals(bars.length, warmup));
  },
};
