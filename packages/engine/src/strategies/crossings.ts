import { crossover, type Signals } from '../signals.js';

/**
 * Signals of a fast line crossing a slow one: crossing up enters a long (and covers a short),
 * crossing down exits the long (and, with `allowShort`, opens a short), like backtesting.py's
 * `if crossover(a, b): close(); buy() elif crossover(b, a): close(); sell()`.
 */
export function markCrossings(
  fast: Float64Array,
  slow: Float64Array,
  allowShort: boolean,
  signals: Signals,
): Signals {
  const { enterLong, exitLong, enterShort, exitShort } = signals;
  for (let i = 1; i < fast.length; i++) {
    if (crossover(fast, slow, i)) {
      enterLong[i] = 1;
      if (allowShort) exitShort[i] = 1;
    } else if (crossover(slow, fast, i)) {
      exitLong[i] = 1;
      if (allowShort) enterShort[i] = 1;
    }
  }
  return signals;
}
