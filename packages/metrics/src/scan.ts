import { bucketKey } from './daily-returns.js';
import { MetricsInputError } from './errors.js';
import { logRatio } from './log-ratio.js';
import type { ReturnBasis } from './stats-schema.js';
import { epochDay, MS_PER_DAY, weekday } from './time.js';

/**
 * Everything computeStats needs from each bar, gathered in one validated pass over time, equity
 * and close (the bars are read once; memory traffic, not arithmetic, bounds these loops).
 *
 * Drawdown follows backtesting.py: dd[t] = 1 - E[t] / max(E[0..t]); the bars where dd == 0
 * exactly, plus the last bar, split the curve, and each consecutive pair (p, q) with q > p + 1 is a
 * period of depth max(dd[p..q]) lasting time[q] - time[p]. A drawdown still open at the end is
 * therefore counted; one that starts on the very last bar is not.
 */
export interface BarScan {
  /** max(E). */
  peak: number;
  /** sum(E), for the mean equity. */
  equitySum: number;
  /** max(dd) as a positive fraction; 0 for a curve that never falls. */
  maxDrawdown: number;
  drawdownPeriods: number;
  /** Sums over the drawdown periods of depth and duration (ms), and the longest duration (ms). */
  drawdownDepthSum: number;
  drawdownDurationSumMs: number;
  drawdownMaxDurationMs: number;
  /** dd on the last bar. */
  lastDrawdown: number;
  /** Bars on a UTC Saturday or Sunday. */
  weekendBars: number;
  /** Index of the last bar of each calendar bucket of `basis` (a view). */
  periodEnds: Int32Array;
  /** Bar-to-bar log returns le of equity and lm of close, as sums shifted by their first value. */
  logReturns: LogReturnSums;
}

/** Sums of le - le[1] and lm - lm[1] (shifted so a large mean cannot cancel the covariance). */
export interface LogReturnSums {
  count: number;
  sumE: number;
  sumM: number;
  sumEM: number;
  sumMM: number;
}

/**
 * Bars per call of the inner loop (4,096). A single call over a million bars would only run as
 * on-stack-replaced code that deoptimises on leaving the loop; many short calls let the engine
 * optimise the loop function normally, at the cost of saving the accumulators between chunks.
 */
const CHUNK = 1 << 12;

/*
 * Module-local bindings for what the hot loop calls: loaders such as tsx and vitest turn imported
 * bindings into getters, and a getter call per bar costs more than the loop's arithmetic.
 */
const DAY_MS = MS_PER_DAY;
const dayOf = epochDay;
const dayOfWeek = weekday;
const bucketOf = bucketKey;
const logOf = logRatio;

/**
 * The accumulators carried from chunk to chunk, as slots of a Float64Array: every one is a plain
 * double from the start, so the optimised loop never meets a small integer turning into a float.
 */
const enumerate = <const K extends readonly string[]>(keys: K) =>
  Object.fromEntries(keys.map((key, i) => [key, i])) as { [I in keyof K as K[I] & string]: number };
const S = enumerate([
  'endCount',
  'nextDayStart',
  'lastKey',
  'isWeekend',
  'weekendBars',
  'prevTime',
  'peak',
  'equitySum',
  'maxDrawdown',
  'periods',
  'depthSum',
  'durationSum',
  'maxDuration',
  'lastZero',
  'depth',
  'dd',
  'sumE',
  'sumM',
  'sumEM',
  'sumMM',
  'prevE',
  'prevM',
] as const);
const STATE_SIZE = Object.keys(S).length;

/** @throws MetricsInputError at the first non-increasing time, non-finite equity or bad close. */
export function scanBars(
  time: Float64Array,
  equity: Float64Array,
  close: Float64Array,
  basis: ReturnBasis,
): BarScan {
  const n = time.length;
  if (!Number.isFinite(time[n - 1]!)) {
    throw new MetricsInputError(`time[${n - 1}] = ${time[n - 1]} is not finite`);
  }
  // A bucket holds at least one calendar day, so the days spanned bound the number of buckets:
  // far fewer than the bars for intraday data.
  const spannedDays = epochDay(time[n - 1]!) - epochDay(time[0]!) + 1;
  const ends = new Int32Array(spannedDays > 0 ? Math.min(n, spannedDays) : n);
  const shiftE = n > 1 ? logRatio(equity[1]! / equity[0]!) : 0;
  const shiftM = n > 1 ? logRatio(close[1]! / close[0]!) : 0;
  const s = new Float64Array(STATE_SIZE);
  s[S.nextDayStart] = Number.NEGATIVE_INFINITY;
  s[S.lastKey] = Number.NaN;
  s[S.prevTime] = Number.NEGATIVE_INFINITY;
  s[S.peak] = Number.NEGATIVE_INFINITY;
  s[S.prevE] = equity[0]!;
  s[S.prevM] = close[0]!;
  for (let from = 0; from < n; from += CHUNK) {
    scanChunk(s, ends, time, equity, close, basis, shiftE, shiftM, from, Math.min(n, from + CHUNK));
  }
  const endCount = s[S.endCount]!;
  ends[endCount] = n - 1;
  return {
    peak: s[S.peak]!,
    equitySum: s[S.equitySum]!,
    maxDrawdown: s[S.maxDrawdown]!,
    drawdownPeriods: s[S.periods]!,
    drawdownDepthSum: s[S.depthSum]!,
    drawdownDurationSumMs: s[S.durationSum]!,
    drawdownMaxDurationMs: s[S.maxDuration]!,
    lastDrawdown: s[S.dd]!,
    weekendBars: s[S.weekendBars]!,
    periodEnds: ends.subarray(0, endCount + 1),
    logReturns: {
      count: n - 1,
      sumE: s[S.sumE]!,
      sumM: s[S.sumM]!,
      sumEM: s[S.sumEM]!,
      sumMM: s[S.sumMM]!,
    },
  };
}

function scanChunk(
  s: Float64Array,
  ends: Int32Array,
  time: Float64Array,
  equity: Float64Array,
  close: Float64Array,
  basis: ReturnBasis,
  shiftE: number,
  shiftM: number,
  from: number,
  to: number,
): void {
  const last = time.length - 1;
  let endCount = s[S.endCount]!;
  let nextDayStart = s[S.nextDayStart]!;
  let lastKey = s[S.lastKey]!;
  let isWeekend = s[S.isWeekend]!;
  let weekendBars = s[S.weekendBars]!;
  let prevTime = s[S.prevTime]!;
  let peak = s[S.peak]!;
  let equitySum = s[S.equitySum]!;
  let maxDrawdown = s[S.maxDrawdown]!;
  let periods = s[S.periods]!;
  let depthSum = s[S.depthSum]!;
  let durationSum = s[S.durationSum]!;
  let maxDuration = s[S.maxDuration]!;
  let lastZero = s[S.lastZero]!;
  let depth = s[S.depth]!;
  let dd = s[S.dd]!;
  let sumE = s[S.sumE]!;
  let sumM = s[S.sumM]!;
  let sumEM = s[S.sumEM]!;
  let sumMM = s[S.sumMM]!;
  let prevE = s[S.prevE]!;
  let prevM = s[S.prevM]!;
  for (let i = from; i < to; i++) {
    const t = time[i]!;
    const e = equity[i]!;
    const m = close[i]!;
    // `x - x === 0` is false exactly for NaN and ±Infinity.
    if (!(t > prevTime && e - e === 0 && m > 0 && m - m === 0)) throw badBar(i, t, prevTime, e, m);
    prevTime = t;

    if (t >= nextDayStart) {
      const day = dayOf(t);
      nextDayStart = (day + 1) * DAY_MS;
      isWeekend = dayOfWeek(day) >= 5 ? 1 : 0;
      const key = basis === 'day' ? day : bucketOf(day, basis);
      if (key !== lastKey) {
        if (i > 0) ends[endCount++] = i - 1;
        lastKey = key;
      }
    }
    weekendBars += isWeekend;

    equitySum += e;
    // At or above the running peak 1 - e / peak is exactly 0: skip the division.
    if (e >= peak) {
      peak = e;
      dd = 0;
    } else {
      dd = 1 - e / peak;
      if (dd > maxDrawdown) maxDrawdown = dd;
      if (dd > depth) depth = dd;
    }
    if (dd === 0 || i === last) {
      if (i > lastZero + 1) {
        const duration = t - time[lastZero]!;
        periods++;
        depthSum += depth;
        durationSum += duration;
        if (duration > maxDuration) maxDuration = duration;
      }
      lastZero = i;
      depth = 0;
    }

    if (i > 0) {
      // An unchanged value needs no logarithm: flat equity (out of the market), a quiet close.
      const le = (e === prevE ? 0 : logOf(e / prevE)) - shiftE;
      const lm = (m === prevM ? 0 : logOf(m / prevM)) - shiftM;
      sumE += le;
      sumM += lm;
      sumEM += le * lm;
      sumMM += lm * lm;
      prevE = e;
      prevM = m;
    }
  }
  s[S.endCount] = endCount;
  s[S.nextDayStart] = nextDayStart;
  s[S.lastKey] = lastKey;
  s[S.isWeekend] = isWeekend;
  s[S.weekendBars] = weekendBars;
  s[S.prevTime] = prevTime;
  s[S.peak] = peak;
  s[S.equitySum] = equitySum;
  s[S.maxDrawdown] = maxDrawdown;
  s[S.periods] = periods;
  s[S.depthSum] = depthSum;
  s[S.durationSum] = durationSum;
  s[S.maxDuration] = maxDuration;
  s[S.lastZero] = lastZero;
  s[S.depth] = depth;
  s[S.dd] = dd;
  s[S.sumE] = sumE;
  s[S.sumM] = sumM;
  s[S.sumEM] = sumEM;
  s[S.sumMM] = sumMM;
  s[S.prevE] = prevE;
  s[S.prevM] = prevM;
}

function badBar(i: number, t: number, prev: number, e: number, m: number): MetricsInputError {
  if (!Number.isFinite(t)) return new MetricsInputError(`time[${i}] = ${t} is not finite`);
  if (!(t > prev)) {
    return new MetricsInputError(`time[${i}] = ${t} is not after time[${i - 1}] = ${prev}`);
  }
  if (!Number.isFinite(e)) return new MetricsInputError(`equity[${i}] = ${e} is not finite`);
  return new MetricsInputError(`close[${i}] = ${m} must be finite and positive`);
}
