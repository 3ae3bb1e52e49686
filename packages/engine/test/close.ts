import { expect } from 'vitest';

/**
 * Element-wise |actual - expected| <= relative * |expected| (NaN only where NaN is expected),
 * naming the first index that breaks it.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  relative: number,
  label = 'values',
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = actual[i]!;
    if (Number.isNaN(want)) {
      expect(got, `${label}[${i}]`).toBeNaN();
    } else {
      const error = Math.abs(got - want);
      expect(error, `${label}[${i}]: got ${got}, expected ${want}`).toBeLessThanOrEqual(
        relative * Math.abs(want),
      );
    }
  }
}
