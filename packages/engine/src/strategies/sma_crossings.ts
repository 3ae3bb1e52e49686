import { assertPeriod } from '../indicators/validate.js';
import { emptySignals, type Signals } from '../signals.js';

/**
 * Bars per call of the inner loop (4,096), as in metrics' scan.ts: one call over a million bars
 * runs as on-stack-replaced code that deoptimises on leaving the loop, run after run; many short
 * calls get the loop function optimised normally within the first run.
 */
const CHUNK = 1 << 12;

/** Running state carried from chunk to chunk, as slots of a Float64Array. */
const FAST_SUM = 0;
const SLOW_SUM = 1;
const FAST_RESUM = 2;
const SLOW_RESUM = 3;
const FIRST_FAST = 4;
const FIRST_SLOW = 5;
const PREV_FAST = 6;
const PREV_SLOW = 7;
/** How many equal closes end at the previous bar (indicators/sma.ts's exact flat windows). */
const SAME_RUN = 8;

/**
 * `markCrossings(sma(close, fast), sma(close, slow), allowShort, ...)` with its warm-up, without
 * the two averages as arrays: both are advanced bar by bar with exactly the arithmetic of
 * indicators/sma.ts (the same running sum, re-summed from scratch at the same bars, the same
 * exact value over a window of one repeated close), so every
 * value and therefore every flag is identical. Two fewer columns to allocate and page in - on a
 * million bars that costs more than the averages themselves.
 */
export function smaCrossings(
  close: Float64Array,
  fast: number,
  slow: number,
  allowShort: boolean,
): Signals {
  assertPeriod(fast);
  assertPeriod(slow);
  const n = close.length;
  const { enterLong, exitLong, enterShort, exitShort } = emptySignals(n, 0);
  const state = new Float64Array(9);
  state[FAST_RESUM] = fast - 1;
  state[SLOW_RESUM] = slow - 1;
  state[FIRST_FAST] = n;
  state[FIRST_SLOW] = n;
  state[PREV_FAST] = Number.NaN;
  state[PREV_SLOW] = Number.NaN;
  for (let from = 0; from < n; from += CHUNK) {
    crossChunk(
      state,
      close,
      fast,
      slow,
      allowShort,
      enterLong,
      exitLong,
      enterShort,
      exitShort,
      from,
      Math.min(n, from + CHUNK),
    );
  }
  // The key order of emptySignals, so every strategy's Signals share one object shape.
  return {
    warmup: Math.max(state[FIRST_FAST]!, state[FIRST_SLOW]!),
    enterLong,
    exitLong,
    enterShort,
    exitShort,
  };
}

function crossChunk(
  state: Float64Array,
  close: Float64Array,
  fast: number,
  slow: number,
  allowShort: boolean,
  enterLong: Uint8Array,
  exitLong: Uint8Array,
  enterShort: Uint8Array,
  exitShort: Uint8Array,
  from: number,
  to: number,
): void {
  let fastSum = state[FAST_SUM]!;
  let slowSum = state[SLOW_SUM]!;
  let fastResum = state[FAST_RESUM]!;
  let slowResum = state[SLOW_RESUM]!;
  let firstFast = state[FIRST_FAST]!;
  let firstSlow = state[FIRST_SLOW]!;
  let prevFast = state[PREV_FAST]!;
  let prevSlow = state[PREV_SLOW]!;
  let same = state[SAME_RUN]!;
  const none = close.length;
  for (let i = from; i < to; i++) {
    const v = close[i]!;
    same = i > 0 && v === close[i - 1] ? same + 1 : 1;
    fastSum += v;
    if (i >= fast) fastSum -= close[i - fast]!;
    let f = Number.NaN;
    if (i >= fast - 1) {
      if (i === fastResum) {
        fastSum = 0;
        for (let j = i - fast + 1; j <= i; j++) fastSum += close[j]!;
        fastResum += fast;
      }
      f = same >= fast ? v : fastSum / fast;
      if (firstFast === none && !Number.isNaN(f)) firstFast = i;
    }
    slowSum += v;
    if (i >= slow) slowSum -= close[i - slow]!;
    let s = Number.NaN;
    if (i >= slow - 1) {
      if (i === slowResum) {
        slowSum = 0;
        for (let j = i - slow + 1; j <= i; j++) slowSum += close[j]!;
        slowResum += slow;
      }
      s = same >= slow ? v : slowSum / slow;
      if (firstSlow === none && !Number.isNaN(s)) firstSlow = i;
    }
    // signals.ts's crossover, strict on both bars: a NaN on either is never a crossing.
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
  state[FAST_SUM] = fastSum;
  state[SLOW_SUM] = slowSum;
  state[FAST_RESUM] = fastResum;
  state[SLOW_RESUM] = slowResum;
  state[FIRST_FAST] = firstFast;
  state[FIRST_SLOW] = firstSlow;
  state[PREV_FAST] = prevFast;
  state[PREV_SLOW] = prevSlow;
  state[SAME_RUN] = same;
}
