import { describe, expect, it } from 'vitest';
import { summarizeReturns } from './moments.js';
import { erfc, normalCdf, probabilisticSharpeRatio } from './psr.js';

// Reference values: Python's math.erfc (C library erfc), printed with repr().
describe('erfc and normalCdf', () => {
  it.each([
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [3, 2.2090496998585438e-5],
    [6, 2.1519736712498916e-17],
    [-1, 2 - 0.15729920705028513],
  ])('erfc(%d) = %d to 1e-13 relative', (x, expected) => {
    expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1e-13);
  });

  it('normalCdf matches Python 0.5 * erfc(-z / sqrt(2))', () => {
    expect(Math.abs(normalCdf(1.96) / 0.9750021048517795 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(normalCdf(-5) / 2.866515718791946e-7 - 1)).toBeLessThan(1e-13);
    expect(normalCdf(0)).toBe(0.5);
  });
});

describe('probabilisticSharpeRatio (Bailey & López de Prado 2012, SR* = 0)', () => {
  it('reduces to Φ(SR·sqrt(n-1)) for two-point returns (skew 0, kurtosis 1)', () => {
    // r = m ± d, n = 4: population m2 = d², m3 = 0, m4 = d⁴, so the radicand is 1;
    // SR = m / (d·sqrt(4/3)) = 0.1·sqrt(3/4) and SR·sqrt(3) = 0.15. Φ(0.15) from Python.
    const psr = probabilisticSharpeRatio(summarizeReturns([0.011, -0.009, 0.011, -0.009]));
    expect(Math.abs(psr! / 0.5596176923702425 - 1)).toBeLessThan(1e-12);
  });

  it('is null when undefined: under two returns, no dispersion', () => {
    expect(probabilisticSharpeRatio(summarizeReturns([0.01]))).toBeNull();
    expect(probabilisticSharpeRatio(summarizeReturns([0.01, 0.01, 0.01]))).toBeNull();
  });
});
