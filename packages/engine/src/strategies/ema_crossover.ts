import type { Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { StrategyDefinition } from './types.js';

export const EmaCrossoverParams = strategyParams({
  fast: periodParam(12, 'Bars in the fast exponential moving average; must be less than slow.'),
  slow: periodParam(26, 'Bars in the slow exponential moving average.', 2),
  allowShort: allowShortParam(),
});
export type EmaCrossoverParams = Static<typeof EmaCrossoverParams>;

const emaOf = (period: number): SeriesSpec => ({ name: 'ema', params: { period } });

/** As sma_crossover with SMA-seeded EMAs (see `ema`); warm-up slow - 1. */
export const emaCrossover: StrategyDefinition<typeof EmaCrossoverParams> = {
  name: 'ema_crossover',
  description:
    'Goes long when the fast exponential moving average of the close crosses above the slow one and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: EmaCrossoverParams,
  validate: fastBelowSlow,
  reads: () => [],
  indicators: (params) => [emaOf(params.fast), emaOf(params.slow)],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    throwIfBroken('ema_crossover', fastBelowSlow(params));
    const fast = indicators.series(emaOf(params.fast));
    const slow = indicators.series(emaOf(params.slow));
    const warmup = Math.max(firstDefined(fast), firstDefined(slow));
    return markCrossings(
      fast,
      slow,
      params.allowShort,
      emptySignals(bars.length, warmup, indicators),
    );
  },
};
