import type { WalkForwardSpec } from '@hindsight/models';

/** Bars [from, to) of the series: `to` exclusive. */
export interface BarWindow {
  from: number;
  to: number;
}

export interface WalkForwardFold {
  fold: number;
  inSample: BarWindow;
  outOfSample: BarWindow;
}

export interface WalkForwardWindows {
  /** Bars in every out-of-sample window. */
  outOfSampleBars: number;
  /** Bars in the first in-sample window (every rolling one). */
  inSampleBars: number;
  folds: WalkForwardFold[];
}

/**
 * The windows of a walk-forward analysis over `bars` bars (docs/statistics.md, "Walk-forward"):
 *
 * - every out-of-sample window has O = floor(N (1 - f) / (f + k (1 - f))) bars, the largest that
 *   lets k of them follow an in-sample window of about f / (1 - f) O bars;
 * - the first in-sample window takes the rest, I = N - k O bars (the rounding lands there), so the
 *   last out-of-sample window ends on the last bar;
 * - fold i (0-based) tests on [I + i O, I + (i + 1) O); it optimises on [i O, I + i O) when
 *   rolling, on [0, I + i O) when anchored.
 *
 * Both modes test on the same bars; only what each fold learns from differs.
 * @throws RangeError when a window would hold fewer than two bars.
 */
export function walkForwardWindows(bars: number, spec: WalkForwardSpec): WalkForwardWindows {
  const { folds: k, inSampleFraction: f } = spec;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be >= 2, got ${k}`);
  if (!(f > 0 && f < 1)) throw new RangeError(`inSampleFraction must be in (0, 1), got ${f}`);
  const outOfSample = Math.floor((bars * (1 - f)) / (f + k * (1 - f)));
  const inSample = bars - k * outOfSample;
  if (outOfSample < 2 || inSample < 2) {
    throw new RangeError(
      `${bars} bars make ${k} out-of-sample windows of ${outOfSample} bars after an in-sample window of ${inSample}: each needs at least 2; use fewer folds or a longer range`,
    );
  }
  return {
    outOfSampleBars: outOfSample,
    inSampleBars: inSample,
    folds: Array.from({ length: k }, (_, i) => {
      const split = inSample + i * outOfSample;
      return {
        fold: i,
        inSample: { from: spec.mode === 'rolling' ? i * outOfSample : 0, to: split },
        outOfSample: { from: split, to: split + outOfSample },
      };
    }),
  };
}

/**
 * The bars one combination of a sweep simulates on one symbol of `bars` bars: its run over all
 * of them (the cell; or, scoring alone, its signals), and with a walk-forward its in-sample run on
 * every fold's window, which the same chunk or thread batch does. Sizes the worker's chunks and
 * the CLI threads' batches. Windows too short to exist add nothing: such a sweep fails before it
 * runs.
 */
export function barsPerCombination(bars: number, walkForward?: WalkForwardSpec): number {
  if (walkForward === undefined) return bars;
  let windows: WalkForwardWindows;
  try {
    windows = walkForwardWindows(bars, walkForward);
  } catch {
    return bars;
  }
  return windows.folds.reduce((sum, f) => sum + f.inSample.to - f.inSample.from, bars);
}
