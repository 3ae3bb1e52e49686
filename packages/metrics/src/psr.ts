import type { ReturnSummary } from './moments.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erfc(x) to about 1e-15 relative: a positive-term series for erf below x = 2 (erfc >= 0.0047
 * there, so 1 - erf loses under three digits), Lentz's continued fraction above it.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** erf(x) = 2/sqrt(pi) · exp(-x^2) · sum 2^n x^(2n+1) / (1·3·...·(2n+1)): all terms positive. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** erfc(x) = exp(-x^2)/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))). */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const an = k / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF Φ(z) = erfc(-z/√2) / 2. */
export function normalCdf(z: number): number {
  return erfc(-z / Math.SQRT2) / 2;
}

/**
 * Probabilistic Sharpe ratio against a benchmark Sharpe of 0 (Bailey & López de Prado, 2012):
 * Φ(SR·sqrt(n-1) / sqrt(1 - γ3·SR + (γ4-1)/4·SR²)), SR = mean/std (ddof 1) of the n period
 * returns, γ3 = m3/m2^1.5 their skewness and γ4 = m4/m2² their (non-excess) kurtosis.
 * null for fewer than two returns, zero dispersion or a non-positive radicand.
 */
export function probabilisticSharpeRatio(r: ReturnSummary): number | null {
  if (r.count < 2 || r.mean === null || r.variance === null || r.m2 === null) return null;
  if (!(r.variance > 0 && r.m2 > 0)) return null;
  const sr = r.mean / Math.sqrt(r.variance);
  const skew = r.m3! / r.m2 ** 1.5;
  const kurt = r.m4! / r.m2 ** 2;
  const radicand = 1 - skew * sr + ((kurt - 1) / 4) * sr * sr;
  if (!(radicand > 0)) return null;
  return normalCdf((sr * Math.sqrt(r.count - 1)) / Math.sqrt(radicand));
}
