import { describe, expect, it } from 'vitest';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { buyAndHold } from './buy_and_hold.js';
import { resolveParams } from './registry.js';

describe('buy_and_hold', () => {
  it('wants to be long on every bar and never exits; warm-up 0', () => {
    const signals = buyAndHold.signals(barsFromCloses([10, 9, 11, 12]), {});
    expect(signals.warmup).toBe(0);
    expect(flaggedBars(signals.enterLong)).toEqual([0, 1, 2, 3]);
    expect(flaggedBars(signals.exitLong)).toEqual([]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('takes no parameters', () => {
    expect(() => resolveParams('buy_and_hold', { size: 1 })).toThrow(
      'buy_and_hold: size is not a parameter of this strategy (known: none)',
    );
  });
});
