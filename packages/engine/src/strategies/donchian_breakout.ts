import type { Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { allowShortParam, periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { StrategyDefinition } from './types.js';

export const DonchianBreakoutParams = strategyParams({
  entryPeriod: periodParam(
    20,
    'Bars before the current one whose channel a close must break to enter.',
  ),
  exitPeriod: periodParam(
    10,
    'Bars before the current one whose opposite channel a close must break to exit.',
  ),
  allowShort: allowShortParam(),
});
export type DonchianBreakoutParams = Static<typeof DonchianBreakoutParams>;

/** The highest high of the `period` bars before each bar (channels.ts), and the lowest low. */
const highOf = (period: number): SeriesSpec => ({
  name: 'previous_highest_high',
  params: { period },
});
const lowOf = (period: number): SeriesSpec => ({ name: 'previous_lowest_low', params: { period } });

/**
 * The turtle breakout. Channels cover the bars before bar i, never bar i itself (a close can never
 * exceed a high that includes its own bar):
 * - enterLong: close > highest high of the previous entryPeriod bars;
 *   exitLong: close < lowest low of the previous exitPeriod bars;
 * - with allowShort, the mirror image: enterShort below the previous entryPeriod lows, exitShort
 *   above the previous exitPeriod highs.
 * An entry and an exit of the same side cannot both hold: both channels contain bar i-1.
 * Warm-up: max(entryPeriod, exitPeriod), where both previous-bar channels are first defined.
 */
export const donchianBreakout: StrategyDefinition<typeof DonchianBreakoutParams> = {
  name: 'donchian_breakout',
  description:
    'Buys when the close breaks above the highest high of the previous entryPeriod bars and sells when it breaks below the lowest low of the previous exitPeriod bars; with allowShort, also the mirror image on the short side.',
  params: DonchianBreakoutParams,
  reads: () => ['close'],
  indicators: (params) => [
    highOf(params.entryPeriod),
    lowOf(params.exitPeriod),
    ...(params.allowShort ? [lowOf(params.entryPeriod), highOf(params.exitPeriod)] : []),
  ],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    const { close } = bars;
    const entryHigh = indicators.series(highOf(params.entryPeriod));
    const exitLow = indicators.series(lowOf(params.exitPeriod));
    const entryLow = params.allowShort ? indicators.series(lowOf(params.entryPeriod)) : undefined;
    const exitHigh = params.allowShort ? indicators.series(highOf(params.exitPeriod)) : undefined;
    const warmup = Math.max(firstDefined(entryHigh), firstDefined(exitLow));
    const signals = emptySignals(bars.length, warmup, indicators);
    for (let i = warmup; i < bars.length; i++) {
      const c = close[i]!;
      if (c > entryHigh[i]!) signals.enterLong[i] = 1;
      if (c < exitLow[i]!) signals.exitLong[i] = 1;
      if (entryLow && exitHigh) {
        if (c < entryLow[i]!) signals.enterShort[i] = 1;
        if (c > exitHigh[i]!) signals.exitShort[i] = 1;
      }
    }
    return signals;
  },
};
