import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { ema } from './ema.js';
import { macd } from './macd.js';

describe('macd', () => {
  it('subtracts the EMAs and smooths the line (hand computed, fast 2, slow 3, signal 2)', () => {
    // EMA(2), alpha 2/3, over [2, 4, 6, 2, 10, 8]: -, 3, 5, 3, 23/3, 23/3 + 2/3 * (8 - 23/3) = 71/9
    // EMA(3), alpha 1/2: -, -, 4, 3, 13/2, 29/4
    // line = difference: bar 2: 1, bar 3: 0, bar 4: 7/6, bar 5: 71/9 - 29/4 = 23/36
    // signal = EMA(2) of the line from bar 2: seed (1 + 0)/2 = 1/2 at bar 3,
    //   bar 4: 1/2 + 2/3 * (7/6 - 1/2) = 17/18, bar 5: 17/18 + 2/3 * (23/36 - 17/18) = 20/27
    // histogram = line - signal: bar 3: -1/2, bar 4: 2/9, bar 5: 23/36 - 20/27 = -11/108
    const out = macd(new Float64Array([2, 4, 6, 2, 10, 8]), 2, 3, 2);
    expectAllClose(out.macd, [Number.NaN, Number.NaN, 1, 0, 7 / 6, 23 / 36], 1e-14, 'macd');
    expectAllClose(out.signal, [Number.NaN, Number.NaN, Number.NaN, 0.5, 17 / 18, 20 / 27], 1e-14);
    expectAllClose(
      out.histogram,
      [Number.NaN, Number.NaN, Number.NaN, -0.5, 2 / 9, -11 / 108],
      1e-13,
    );
  });

  it('is EMA(12) - EMA(26), its EMA(9) and their difference on GOOG closes', () => {
    const close = loadBars('GOOG').close;
    const out = macd(close);
    const fast = ema(close, 12);
    const slow = ema(close, 26);
    const line = fast.map((value, i) => value - slow[i]!);
    expect(Array.from(out.macd)).toEqual(Array.from(line));
    const signal = new Float64Array(close.length).fill(Number.NaN);
    signal.set(ema(line.subarray(25), 9), 25);
    expect(Array.from(out.signal)).toEqual(Array.from(signal));
    expect(Array.from(out.histogram)).toEqual(Array.from(line.map((v, i) => v - signal[i]!)));
  });

  it('leaves everything undefined when the series is shorter than the slow EMA', () => {
    const out = macd(new Float64Array([1, 2, 3]), 2, 5, 2);
    expect([...out.macd, ...out.signal, ...out.histogram].every(Number.isNaN)).toBe(true);
  });
});
