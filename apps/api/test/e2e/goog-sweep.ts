/** `lo, lo + step, ... hi`: a grid axis as backtesting.py's `range(lo, hi + 1, step)`. */
export const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

/**
 * The 175-combination SMA grid on GOOG daily that backtesting.py's optimize() ran for
 * fixtures/sweeps/goog-sma-optimize.json, as a sweep request.
 */
export const GOOG_SWEEP = {
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
  cash: 100_000,
  commission: 0.002,
  conventions: 'backtesting.py',
  grid: { fast: range(5, 50, 5), slow: range(10, 200, 10) },
};
