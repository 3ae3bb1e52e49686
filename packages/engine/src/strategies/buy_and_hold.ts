import type { Static } from 'typebox';
import { emptySignals } from '../signals.js';
import { strategyParams } from './schema.js';
import type { StrategyDefinition } from './types.js';

export const BuyAndHoldParams = strategyParams({});
export type BuyAndHoldParams = Static<typeof BuyAndHoldParams>;

/**
 * enterLong on every bar: the simulator only enters when flat, so it buys once, on the first bar
 * it may, and never exits. No indicators, so warm-up 0.
 */
export const buyAndHold: StrategyDefinition<typeof BuyAndHoldParams> = {
  name: 'buy_and_hold',
  description:
    'Buys on the first bar it may and holds to the end of the data: the benchmark for every other strategy.',
  params: BuyAndHoldParams,
  reads: () => [],
  indicators: () => [],
  signals(bars) {
    const signals = emptySignals(bars.length, 0);
    signals.enterLong.fill(1);
    return signals;
  },
};
