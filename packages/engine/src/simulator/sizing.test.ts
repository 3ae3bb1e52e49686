import { describe, expect, it } from 'vitest';
import { backtestingPyUnits, fractionUnits, pythonFloorDivide } from './sizing.js';

describe('pythonFloorDivide', () => {
  it.each([
    // Values printed by CPython 3: `7.0 // 2.0`, `-7.0 // 2.0`, `7.0 // -2.0`, `0.3 // 0.1`.
    [7, 2, 3],
    [-7, 2, -4],
    [7, -2, -4],
    [0.3, 0.1, 2],
    // `1 // 0.1` is 9.0 in Python (0.1 is slightly above 1/10) while 1 / 0.1 rounds to 10.
    [1, 0.1, 9],
    // `9999.999999999998 // 100` is 99.0: backtesting.py's 1 - epsilon order size at work.
    [9999.999999999998, 100, 99],
  ])('%d // %d = %d', (a, b, expected) => {
    expect(pythonFloorDivide(a, b)).toBe(expected);
  });

  it('keeps the sign of a zero quotient', () => {
    expect(Object.is(pythonFloorDivide(0, 5), 0)).toBe(true);
    expect(Object.is(pythonFloorDivide(-0, 5), -0)).toBe(true);
  });
});

describe('backtestingPyUnits', () => {
  it('buys with 1 - epsilon of the cash, so an exact multiple buys one unit less', () => {
    // (10000 * (1 - 2^-52)) // 100 = 9999.999999999998 // 100 = 99.
    expect(backtestingPyUnits(10_000, 100, 0, 1)).toBe(99);
    // 10000 // (99 + 99 * 0.01) = 10000 // 99.99 = 100.
    expect(backtestingPyUnits(10_000, 99, 0.01, 1)).toBe(100);
  });

  it('sizes a fraction of the cash and drops what buys nothing', () => {
    // 0.5 * 1000 // 12 = 41.
    expect(backtestingPyUnits(1000, 12, 0, 0.5)).toBe(41);
    expect(backtestingPyUnits(10, 12, 0, 1)).toBe(0);
  });
});

describe('fractionUnits', () => {
  it('pays commission on top of the price and the fixed fee out of the budget', () => {
    // floor((1000 - 5) / (12 * 1.01)) = floor(82.09) = 82.
    expect(fractionUnits(1000, 12, 0.01, 5, true)).toBe(82);
    expect(fractionUnits(1000, 12, 0.01, 5, false)).toBeCloseTo(995 / 12.12, 12);
    expect(fractionUnits(5, 12, 0, 5, false)).toBe(0);
  });
});
