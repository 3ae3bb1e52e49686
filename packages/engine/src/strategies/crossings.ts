import type { Signals } from '../signals.js';

/**
 * Signals of a fast line crossing a slow one: crossing up enters a long (and covers a short),
 * crossing down exits the long (and, with `allowShort`, opens a short), like backtesting.py's
 * `if crossover(a, b): close(); buy() elif crossover(b, a): close(); sell()`.
 *
 * The test is signals.ts's `crossover` written out in the loop, with the previous bar's values
 * kept in locals: loaders such as tsx turn an imported function into a getter, and a getter call
 * per bar cost more than the comparisons themselves.
 */
export function markCrossings(
  fast: Float64Array,
  slow: Float64Array,
  allowShort: boolean,
  signals: Signals,
): Signals {
  const { enterLong, exitLong, enterShort, exitShort } = signals;
  const n = fast.length;
  if (n === 0) return signals;
  let prevFast = fast[0]!;
  let prevSlow = slow[0]!;
  for (let i = 1; i < n; i++) {
    const f = fast[i]!;
    const s = slow[i]!;
    // Strict comparisons: a NaN on either bar is never a crossing.
    if (prevFast < prevSlow && f > s) {
      enterLong[i] = 1;
      if (allowShort) exitShort[i] = 1;
    } else if (prevSlow < prevFast && s > f) {
      exitLong[i] = 1;
      if (allowShort) enterShort[i] = 1;
    }
    prevFast = f;
    prevSlow = s;
  }
  return signals;
}
