import Type, { type Static } from 'typebox';
import { emptySignals, firstDefined } from '../signals.js';
import { periodParam, strategyParams } from './schema.js';
import { BarsIndicators, type SeriesSpec } from './series.js';
import type { StrategyDefinition } from './types.js';

export const VolumeZoneBreakoutParams = strategyParams({
  volumeWindow: periodParam(50, 'Bars before the current one searched for high-volume bars.', 2),
  topPercentile: Type.Number({
    default: 0.2,
    exclusiveMinimum: 0,
    maximum: 1,
    description:
      'Share of the window, by volume, that forms the zone: 0.2 = bars at or above the 80th percentile of volume.',
  }),
  breakoutBuffer: Type.Number({
    default: 0,
    minimum: 0,
    maximum: 1,
    description: 'How far above the zone high the close must be, as a fraction (0.01 = 1%).',
  }),
  exitWindow: periodParam(
    20,
    'Bars before the current one whose lowest low a close must break to exit.',
  ),
});
export type VolumeZoneBreakoutParams = Static<typeof VolumeZoneBreakoutParams>;

const zoneOf = (params: VolumeZoneBreakoutParams): SeriesSpec => ({
  name: 'volume_zone_high',
  params: { window: params.volumeWindow, topPercentile: params.topPercentile },
});
const exitOf = (params: VolumeZoneBreakoutParams): SeriesSpec => ({
  name: 'previous_lowest_low',
  params: { period: params.exitWindow },
});

/**
 * Breakout above the prices where volume concentrated. At bar i, over the previous volumeWindow
 * bars (i - volumeWindow .. i - 1, bar i excluded):
 * - the zone is the bars whose volume is >= the (1 - topPercentile) percentile of those volumes
 *   (`rollingPercentile`: linear interpolation, numpy's default); the highest-volume bar always
 *   belongs to it, even where interpolation rounds the threshold above it;
 * - enterLong when close > (highest high of the zone) * (1 + breakoutBuffer);
 * - exitLong when close < the lowest low of the previous exitWindow bars. On a bar that signals
 *   both (the zone can lie below the recent lows), only the exit is kept: a falling close is no
 *   breakout.
 * Warm-up: max(volumeWindow, exitWindow), where both look-backs are first complete.
 * The zone high is volume-zone.ts's `volumeZoneHigh`.
 */
export const volumeZoneBreakout: StrategyDefinition<typeof VolumeZoneBreakoutParams> = {
  name: 'volume_zone_breakout',
  description:
    'Buys when the close breaks above the highest high of the high-volume bars (top topPercentile by volume) of the previous volumeWindow bars, plus breakoutBuffer; sells when it falls below the lowest low of the previous exitWindow bars. Long only.',
  params: VolumeZoneBreakoutParams,
  reads: () => ['close'],
  indicators: (params) => [zoneOf(params), exitOf(params)],
  signals(bars, params, indicators = new BarsIndicators(bars)) {
    const { close } = bars;
    const n = bars.length;
    const zoneHigh = indicators.series(zoneOf(params));
    const exitLow = indicators.series(exitOf(params));
    const warmup = Math.max(firstDefined(zoneHigh), firstDefined(exitLow));
    const signals = emptySignals(n, warmup, indicators);
    const factor = 1 + params.breakoutBuffer;
    for (let i = warmup; i < n; i++) {
      if (close[i]! < exitLow[i]!) signals.exitLong[i] = 1;
      else if (close[i]! > zoneHigh[i]! * factor) signals.enterLong[i] = 1;
    }
    return signals;
  },
};
