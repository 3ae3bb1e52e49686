import { normalQuantile, type SharpeSample, sharpeProbability } from '../psr.js';

/** The Euler-Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * The Sharpe ratio the best of `trials` independent trials reaches by luck alone, when their
 * Sharpe ratios vary with `variance` around a true value of 0 (Bailey & López de Prado, 2014,
 * eq. 2): sqrt(V)·((1-γ)·Φ⁻¹(1 - 1/N) + γ·Φ⁻¹(1 - 1/(N·e))). Per period, like the variance.
 * null for fewer than two trials or a variance that is not a positive number.
 */
export function expectedMaxSharpe(trials: number, variance: number): number | null {
  if (!(trials >= 2) || !(variance > 0)) return null;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/**
 * The Deflated Sharpe Ratio (Bailey & López de Prado, 2014): the probabilistic Sharpe ratio of
 * `sample` against expectedMaxSharpe(trials, variance) instead of 0 - the probability that its
 * true Sharpe beats the best a search of that many trials finds by chance. Everything per period.
 * null when either part is undefined.
 */
export function deflatedSharpeRatio(
  sample: SharpeSample,
  trials: { count: number; sharpeVariance: number },
): number | null {
  const benchmark = expectedMaxSharpe(trials.count, trials.sharpeVariance);
  if (benchmark === null) return null;
  return sharpeProbability({ ...sample, benchmark });
}
