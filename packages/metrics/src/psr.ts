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
 * Φ⁻¹(p), the standard normal quantile, for 0 < p < 1: Acklam's rational approximation (relative
 * error 1.15e-9) refined by one Halley step on normalCdf, which brings it to about 1e-15.
 * NaN outside (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return Number.NaN;
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = tail(q);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -tail(q);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r +
        138.357751867269) *
        r -
        30.66479806614716) *
        r +
        2.506628277459239) *
        q) /
      (((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r +
        66.80131188771972) *
        r -
        13.28068155288572) *
        r +
        1);
  }
  // Halley: e = Φ(x) - p, u = e·sqrt(2π)·exp(x²/2), x -= u / (1 + x·u/2).
  const e = p < 0.5 ? normalCdf(x) - p : -(normalCdf(-x) - (1 - p));
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Acklam's lower-tail form, q = sqrt(-2 ln p). */
function tail(q: number): number {
  return (
    (((((-0.007784894002430293 * q - 0.3223964580411365) * q - 2.400758277161838) * q -
      2.549732539343734) *
      q +
      4.374664141464968) *
      q +
      2.938163982698783) /
    ((((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q +
      3.754408661907416) *
      q +
      1)
  );
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
  return sharpeProbability({
    sharpe: r.mean / Math.sqrt(r.variance),
    count: r.count,
    skewness: r.m3! / r.m2 ** 1.5,
    kurtosis: r.m4! / r.m2 ** 2,
    benchmark: 0,
  });
}

/** A Sharpe ratio with the shape of the returns behind it, all per period (not annualised). */
export interface SharpeSample {
  sharpe: number;
  /** Number of returns. */
  count: number;
  /** m3 / m2^1.5 (population moments). */
  skewness: number;
  /** m4 / m2² (non-excess: 3 for a normal). */
  kurtosis: number;
}

/**
 * P[true Sharpe > benchmark] given the sample: Φ((SR - SR*)·sqrt(n-1) / sqrt(1 - γ3·SR +
 * (γ4-1)/4·SR²)) (Bailey & López de Prado, 2012, eq. 11). null for n < 2 or a non-positive radicand.
 */
export function sharpeProbability(s: SharpeSample & { benchmark: number }): number | null {
  if (s.count < 2 || !Number.isFinite(s.sharpe)) return null;
  const radicand = 1 - s.skewness * s.sharpe + ((s.kurtosis - 1) / 4) * s.sharpe * s.sharpe;
  if (!(radicand > 0)) return null;
  return normalCdf(((s.sharpe - s.benchmark) * Math.sqrt(s.count - 1)) / Math.sqrt(radicand));
}
