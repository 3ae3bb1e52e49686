import type { LogReturnSums } from './scan.js';

/**
 * Beta of the equity curve to the benchmark from bar-by-bar log returns:
 * cov(le, lm) / var(lm), le[t] = log(E[t]/E[t-1]), lm[t] = log(C[t]/C[t-1]), both ddof 1 (the
 * ddof cancels). null with fewer than two returns or a benchmark that never moves.
 */
export function betaFromLogReturns(s: LogReturnSums): number | null {
  if (s.count < 2) return null;
  const varM = s.sumMM - (s.sumM * s.sumM) / s.count;
  if (!(varM > 0)) return null;
  return (s.sumEM - (s.sumE * s.sumM) / s.count) / varM;
}
