import { bucketKey, periodReturns } from './daily-returns.js';
import { MetricsInputError } from './errors.js';
import { logRatio } from './log-ratio.js';
import { medianSpacing, resamplingBasis } from './periods.js';
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
  /**
   * The equity's period returns, periodReturns(equity, periodEnds) value for value, when the scan
   * computed them on the way (scanEquity, when every bar ends a period: daily bars, where the
   * period return and the log return divide the same two values); else null.
   */
  periodReturns: Float64Array | null;
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
 * What the statistics read from the bars' time and the benchmark's close alone: the same for
 * every run on those bars, so a sweep scans them once (`scanMarket`) and each of its runs then
 * reads only its own equity (`computeStats(input, market)`), with bit-identical results.
 */
export interface MarketScan {
  readonly time: Float64Array;
  readonly close: Float64Array;
  /** Median spacing of the last 100 timestamps (null with one bar) and its resampling basis. */
  readonly spacing: number | null;
  readonly basis: ReturnBasis;
  readonly weekendBars: number;
  readonly periodEnds: Int32Array;
  /** lm[i] = log(C[i] / C[i-1]) - lm[1] for i >= 1 (lm[0] unused). */
  readonly logReturns: Float64Array;
  readonly sumM: number;
  readonly sumMM: number;
  /** The benchmark's period returns, periodReturns(close, periodEnds). */
  readonly benchmarkReturns: Float64Array;
  /** Working space for the period returns of one computeStats call at a time. */
  readonly scratch: Float64Array;
  /** Working space for the bar returns of one computeStatsAndTrial call at a time (n - 1). */
  readonly trialReturns: Float64Array;
}

/**
 * Bars per call of the inner loops (4,096). A single call over a million bars would only run as
 * on-stack-replaced code that deoptimises on leaving the loop; many short calls let the engine
 * optimise the loop function normally, at the cost of saving the accumulators between chunks.
 */
const CHUNK = 1 << 12;

/*
 * Module-local bindings for what the hot loops call: loaders such as tsx and vitest turn imported
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
/** The market pass: calendar buckets, weekend bars and the close's log returns. */
const M = enumerate([
  'endCount',
  'nextDayStart',
  'lastKey',
  'isWeekend',
  'weekendBars',
  'prevTime',
  'sumM',
  'sumMM',
  'prevM',
] as const);
/** The equity pass: peak, drawdown periods and the equity's log returns against the close's. */
const E = enumerate([
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
  'sumEM',
  'prevE',
] as const);

/**
 * The whole scan of one run's bars: the market and equity passes interleaved chunk by chunk, the
 * close's log returns handed over in a chunk-sized buffer (nothing per bar is kept).
 * @throws MetricsInputError at the first non-increasing time, non-finite equity or bad close.
 */
export function scanBars(
  time: Float64Array,
  equity: Float64Array,
  close: Float64Array,
  basis: ReturnBasis,
): BarScan {
  const n = time.length;
  const market = marketState(time, close);
  const ends = periodEndsBuffer(time);
  const eq = equityState(equity);
  const lm = new Float64Array(Math.min(n, CHUNK));
  const bad = { time, equity, close };
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    marketChunk(market, ends, time, close, basis, bad, from, to, lm, from);
    equityChunk(eq, time, equity, bad, from, to, lm, from, null);
  }
  const periodEnds = finishEnds(ends, market, n);
  return barScan(
    eq,
    market[M.weekendBars]!,
    market[M.sumM]!,
    market[M.sumMM]!,
    periodEnds,
    n,
    null,
  );
}

/**
 * The market pass alone, over every bar, keeping the close's log returns for `scanEquity`.
 * @throws MetricsInputError at the first non-increasing time or bad close.
 */
export function scanMarket(time: Float64Array, close: Float64Array): MarketScan {
  const n = time.length;
  if (n === 0 || close.length !== n) {
    throw new MetricsInputError(
      `time and close must be non-empty and of equal lengths (got ${n}, ${close.length})`,
    );
  }
  const spacing = medianSpacing(time);
  const basis = resamplingBasis(spacing);
  const state = marketState(time, close);
  const ends = periodEndsBuffer(time);
  const lm = new Float64Array(n);
  const bad = { time, equity: null, close };
  for (let from = 0; from < n; from += CHUNK) {
    marketChunk(state, ends, time, close, basis, bad, from, Math.min(n, from + CHUNK), lm, 0);
  }
  const periodEnds = finishEnds(ends, state, n);
  return {
    time,
    close,
    spacing,
    basis,
    weekendBars: state[M.weekendBars]!,
    periodEnds,
    logReturns: lm,
    sumM: state[M.sumM]!,
    sumMM: state[M.sumMM]!,
    benchmarkReturns: periodReturns(close, periodEnds),
    scratch: new Float64Array(Math.max(0, periodEnds.length - 1)),
    trialReturns: new Float64Array(Math.max(0, n - 1)),
  };
}

/**
 * scanBars(market.time, equity, market.close, market.basis), bit for bit, reading the market
 * pass's results instead of doing it again. When every bar ends a period, the equity's period
 * returns are written into `market.scratch` on the way (`periodReturns`).
 * @throws MetricsInputError at the first non-finite equity.
 */
export function scanEquity(market: MarketScan, equity: Float64Array): BarScan {
  const { time } = market;
  const n = time.length;
  const eq = equityState(equity);
  const bad = { time, equity, close: market.close };
  // Period ends are increasing bar indices ending at n - 1: n of them are every bar.
  const returns = market.periodEnds.length === n ? market.scratch : null;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    equityChunk(eq, time, equity, bad, from, to, market.logReturns, 0, returns);
  }
  const { weekendBars, sumM, sumMM, periodEnds } = market;
  return barScan(eq, weekendBars, sumM, sumMM, periodEnds, n, returns);
}

function marketState(time: Float64Array, close: Float64Array): Float64Array {
  const n = time.length;
  if (!Number.isFinite(time[n - 1]!)) {
    throw new MetricsInputError(`time[${n - 1}] = ${time[n - 1]} is not finite`);
  }
  const s = new Float64Array(9);
  s[M.nextDayStart] = Number.NEGATIVE_INFINITY;
  s[M.lastKey] = Number.NaN;
  s[M.prevTime] = Number.NEGATIVE_INFINITY;
  s[M.prevM] = close[0]!;
  return s;
}

/**
 * The equity pass's accumulators: one array for every scan, reset at its start and read out
 * (barScan) before it returns - scans are synchronous and call nothing that scans, and a sweep
 * scans every combination's equity, so a fresh array each time would be garbage each time.
 */
const EQUITY_STATE = new Float64Array(13);

function equityState(equity: Float64Array): Float64Array {
  const s = EQUITY_STATE.fill(0);
  s[E.peak] = Number.NEGATIVE_INFINITY;
  s[E.prevE] = equity[0]!;
  return s;
}

/**
 * A bucket holds at least one calendar day, so the days spanned bound the number of buckets: far
 * fewer than the bars for intraday data.
 */
function periodEndsBuffer(time: Float64Array): Int32Array {
  const n = time.length;
  const spannedDays = epochDay(time[n - 1]!) - epochDay(time[0]!) + 1;
  return new Int32Array(spannedDays > 0 ? Math.min(n, spannedDays) : n);
}

function finishEnds(ends: Int32Array, market: Float64Array, n: number): Int32Array {
  const endCount = market[M.endCount]!;
  ends[endCount] = n - 1;
  return ends.subarray(0, endCount + 1);
}

/** Shifts keep the sums small: lm[1] and le[1], the first return of each series. */
function shiftOf(values: Float64Array): number {
  return values.length > 1 ? logRatio(values[1]! / values[0]!) : 0;
}

function barScan(
  eq: Float64Array,
  weekendBars: number,
  sumM: number,
  sumMM: number,
  periodEnds: Int32Array,
  n: number,
  periodReturns: Float64Array | null,
) {
  return {
    peak: eq[E.peak]!,
    equitySum: eq[E.equitySum]!,
    maxDrawdown: eq[E.maxDrawdown]!,
    drawdownPeriods: eq[E.periods]!,
    drawdownDepthSum: eq[E.depthSum]!,
    drawdownDurationSumMs: eq[E.durationSum]!,
    drawdownMaxDurationMs: eq[E.maxDuration]!,
    lastDrawdown: eq[E.dd]!,
    weekendBars,
    periodEnds,
    logReturns: {
      count: n - 1,
      sumE: eq[E.sumE]!,
      sumM,
      sumEM: eq[E.sumEM]!,
      sumMM,
    },
    periodReturns,
  } satisfies BarScan;
}

/** The arrays a bad bar is looked for in; equity is null when only the market is scanned. */
interface ScannedArrays {
  time: Float64Array;
  equity: Float64Array | null;
  close: Float64Array;
}

/**
 * Bars [from, to) of the market pass: validates time and close, finds the calendar buckets'
 * last bars, counts weekend bars and writes lm[i - lmBase].
 */
function marketChunk(
  s: Float64Array,
  ends: Int32Array,
  time: Float64Array,
  close: Float64Array,
  basis: ReturnBasis,
  bad: ScannedArrays,
  from: number,
  to: number,
  lm: Float64Array,
  lmBase: number,
): void {
  const shiftM = shiftOf(close);
  let endCount = s[M.endCount]!;
  let nextDayStart = s[M.nextDayStart]!;
  let lastKey = s[M.lastKey]!;
  let isWeekend = s[M.isWeekend]!;
  let weekendBars = s[M.weekendBars]!;
  let prevTime = s[M.prevTime]!;
  let sumM = s[M.sumM]!;
  let sumMM = s[M.sumMM]!;
  let prevM = s[M.prevM]!;
  for (let i = from; i < to; i++) {
    const t = time[i]!;
    const m = close[i]!;
    // `x - x === 0` is false exactly for NaN and ±Infinity.
    if (!(t > prevTime && m > 0 && m - m === 0)) throw firstBadBar(bad);
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

    if (i > 0) {
      // An unchanged close needs no logarithm.
      const r = (m === prevM ? 0 : logOf(m / prevM)) - shiftM;
      lm[i - lmBase] = r;
      sumM += r;
      sumMM += r * r;
      prevM = m;
    }
  }
  s[M.endCount] = endCount;
  s[M.nextDayStart] = nextDayStart;
  s[M.lastKey] = lastKey;
  s[M.isWeekend] = isWeekend;
  s[M.weekendBars] = weekendBars;
  s[M.prevTime] = prevTime;
  s[M.sumM] = sumM;
  s[M.sumMM] = sumMM;
  s[M.prevM] = prevM;
}

/**
 * Bars [from, to) of the equity pass: validates equity, tracks the peak and the drawdown periods,
 * and sums the equity's log returns and their products with lm[i - lmBase]; with `returns`, writes
 * returns[i - 1] = E[i] / E[i-1] - 1 (every bar ending a period, these are its period returns).
 */
function equityChunk(
  s: Float64Array,
  time: Float64Array,
  equity: Float64Array,
  bad: ScannedArrays,
  from: number,
  to: number,
  lm: Float64Array,
  lmBase: number,
  returns: Float64Array | null,
): void {
  const last = time.length - 1;
  const shiftE = shiftOf(equity);
  let peak = s[E.peak]!;
  let equitySum = s[E.equitySum]!;
  let maxDrawdown = s[E.maxDrawdown]!;
  let periods = s[E.periods]!;
  let depthSum = s[E.depthSum]!;
  let durationSum = s[E.durationSum]!;
  let maxDuration = s[E.maxDuration]!;
  let lastZero = s[E.lastZero]!;
  let depth = s[E.depth]!;
  let dd = s[E.dd]!;
  let sumE = s[E.sumE]!;
  let sumEM = s[E.sumEM]!;
  let prevE = s[E.prevE]!;
  for (let i = from; i < to; i++) {
    const e = equity[i]!;
    if (!(e - e === 0)) throw firstBadBar(bad);

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
        const duration = time[i]! - time[lastZero]!;
        periods++;
        depthSum += depth;
        durationSum += duration;
        if (duration > maxDuration) maxDuration = duration;
      }
      lastZero = i;
      depth = 0;
    }

    if (i > 0) {
      const growth = e / prevE;
      if (returns !== null) returns[i - 1] = growth - 1;
      // Flat equity (out of the market) needs no logarithm.
      const le = (e === prevE ? 0 : logOf(growth)) - shiftE;
      sumE += le;
      sumEM += le * lm[i - lmBase]!;
      prevE = e;
    }
  }
  s[E.peak] = peak;
  s[E.equitySum] = equitySum;
  s[E.maxDrawdown] = maxDrawdown;
  s[E.periods] = periods;
  s[E.depthSum] = depthSum;
  s[E.durationSum] = durationSum;
  s[E.maxDuration] = maxDuration;
  s[E.lastZero] = lastZero;
  s[E.depth] = depth;
  s[E.dd] = dd;
  s[E.sumE] = sumE;
  s[E.sumEM] = sumEM;
  s[E.prevE] = prevE;
}

/**
 * The error for the first bad bar, looked for from bar 0 once a pass has met one: the passes
 * check different arrays, so the one that noticed need not hold the earliest.
 */
function firstBadBar({ time, equity, close }: ScannedArrays): MetricsInputError {
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (!Number.isFinite(t)) return new MetricsInputError(`time[${i}] = ${t} is not finite`);
    if (!(t > prev)) {
      return new MetricsInputError(`time[${i}] = ${t} is not after time[${i - 1}] = ${prev}`);
    }
    prev = t;
    const e = equity?.[i];
    if (e !== undefined && !Number.isFinite(e)) {
      return new MetricsInputError(`equity[${i}] = ${e} is not finite`);
    }
    const m = close[i]!;
    if (!(m > 0 && Number.isFinite(m))) {
      return new MetricsInputError(`close[${i}] = ${m} must be finite and positive`);
    }
  }
  return new MetricsInputError('a bar is not valid');
}
