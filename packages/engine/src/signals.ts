import type { IndicatorProvider } from './strategies/series.js';

/**
 * What a strategy decides for one symbol, bar by bar, computed in one batch pass.
 * A flag at bar i is the decision taken after bar i closed (it sees data up to bar i only);
 * the simulator acts on it at the next fill (bar i+1's open, or bar i's close with fill=close).
 *
 * The simulator's rule, on each bar from `warmup + 1` on:
 * - flat:  enterLong -> open long; else enterShort -> open short;
 * - long:  exitLong -> close; and if enterShort too, reverse into a short;
 * - short: exitShort -> close; and if enterLong too, reverse into a long.
 */
export interface Signals {
  /** Largest index, over the strategy's indicators, of the first defined (non-NaN) value. */
  readonly warmup: number;
  readonly enterLong: Uint8Array;
  readonly exitLong: Uint8Array;
  readonly enterShort: Uint8Array;
  readonly exitShort: Uint8Array;
}

/**
 * Four zeroed flag columns as views of one buffer: one allocation instead of four, and none when
 * the indicator provider offers its working space (a sweep, which computes signals for every
 * combination and is done with them before the next).
 */
export function emptySignals(
  length: number,
  warmup: number,
  provider?: IndicatorProvider,
): Signals {
  const flags = provider?.flags?.(length) ?? new Uint8Array(4 * length);
  return {
    warmup,
    enterLong: flags.subarray(0, length),
    exitLong: flags.subarray(length, 2 * length),
    enterShort: flags.subarray(2 * length, 3 * length),
    exitShort: flags.subarray(3 * length, 4 * length),
  };
}

/** Index of the first non-NaN value (the array's length if none). */
export function firstDefined(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) return i;
  return values.length;
}

/** `a` crosses above `b` at bar i: a[i-1] < b[i-1] and a[i] > b[i] (strict; NaN is false). */
export function crossover(a: Float64Array, b: Float64Array, i: number): boolean {
  return i > 0 && a[i - 1]! < b[i - 1]! && a[i]! > b[i]!;
}

/**
 * The signals of bars [from, to) as views: flags are decided bar by bar on data up to that bar,
 * so signals computed on a longer history and then sliced are those of the window with its
 * indicators warmed up on the bars before it. The warm-up counts from the window's first bar.
 */
export function sliceSignals(signals: Signals, from: number, to: number): Signals {
  return {
    warmup: Math.max(0, signals.warmup - from),
    enterLong: signals.enterLong.subarray(from, to),
    exitLong: signals.exitLong.subarray(from, to),
    enterShort: signals.enterShort.subarray(from, to),
    exitShort: signals.exitShort.subarray(from, to),
  };
}
