import type { Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { StrategyDefinition } from './types.js';

export const MacdCrossoverParams = strategyParams({
  fast: periodParam(12, 'Bars in the fast EMA of the MACD line; must be less than slow.'),
  slow: periodParam(26, 'Bars in the slow EMA of the MACD line.', 2),
  signal: periodParam(9, 'Bars in the EMA of the MACD line that forms the signal line.'),
  allowShort: allowShortParam(),
});
export type MacdCrossoverParams = Static<typeof MacdCrossoverParams>;

function macdSeries(
  name: 'macd_line' | 'macd_signal',
  params: { fast: number; slow: number; signal: number },
): SeriesSpec {
  return { name, params: { fast: params.fast, slow: params.slow, signal: params.signal } };
}

/** Crossings of the MACD line and its signal line; warm-up slow + signal - 2. */
export const macdCrossover: StrategyDefinition<typeof MacdCrossoverParams> = {
  name: 'macd_crossover',
  description:
    'Goes long when the MACD line crosses above its signal line and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: MacdCrossoverParams,
  validate: fastBelowSlow,
  reads: () => [],
  indicators: (params) => [macdSeries('macd_line', params), macdSeries('macd_signal', params)],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    throwIfBroken('macd_crossover', fastBelowSlow(params));
    const line = indicators.series(macdSeries('macd_line', params));
    const signalLine = indicators.series(macdSeries('macd_signal', params));
    const warmup = Math.max(firstDefined(line), firstDefined(signalLine));
    const signals = emptySignals(bars.length, warmup, indicators);
    return markCrossings(line, signalLine, params.allowShort, signals);
  },
};
