import type { Static } from 'typebox';
import { macd } from '../indicators/index.js';
import { emptySignals, firstDefined } from '../signals.js';
import { markCrossings } from './crossings.js';
import { throwIfBroken } from './errors.js';
import { allowShortParam, fastBelowSlow, periodParam, strategyParams } from './schema.js';
import type { StrategyDefinition } from './types.js';

export const MacdCrossoverParams = strategyParams({
  fast: periodParam(12, 'Bars in the fast EMA of the MACD line; must be less than slow.'),
  slow: periodParam(26, 'Bars in the slow EMA of the MACD line.', 2),
  signal: periodParam(9, 'Bars in the EMA of the MACD line that forms the signal line.'),
  allowShort: allowShortParam(),
});
export type MacdCrossoverParams = Static<typeof MacdCrossoverParams>;

/** Crossings of the MACD line and its signal line; warm-up slow + signal - 2. */
export const macdCrossover: StrategyDefinition<typeof MacdCrossoverParams> = {
  name: 'macd_crossover',
  description:
    'Goes long when the MACD line crosses above its signal line and exits when it crosses back below; with allowShort, that cross below also opens a short.',
  params: MacdCrossoverParams,
  validate: fastBelowSlow,
  signals(bars, params) {
    throwIfBroken('macd_crossover', fastBelowSlow(params));
    const lines = macd(bars.close, params.fast, params.slow, params.signal);
    const warmup = Math.max(firstDefined(lines.macd), firstDefined(lines.signal));
    const signals = emptySignals(bars.length, warmup);
    return markCrossings(lines.macd, lines.signal, params.allowShort, signals);
  },
};
