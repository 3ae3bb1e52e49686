import { sma } from './sma.js';
import { assertNonNegative, assertOutput, assertPeriod } from './validate.js';

export interface BollingerOutput {
  /** SMA(period), identical to `sma`. */
  middle: Float64Array;
  /** middle + stdDev * sigma. */
  upper: Float64Array;
  /** middle - stdDev * sigma. */
  lower: Float64Array;
}

/**
 * Bollinger Bands: sigma is the population standard deviation (ddof 0, as StockCharts, TA-Lib
 * and most platforms) of the last `period` values. All three are first defined at period - 1.
 *
 * One pass: the sum of squared deviations moves by (new - old) * (new - mean + old - previous mean)
 * when the window slides (Welford's update), recomputed exactly every `period` bars. A sum of
 * squares minus the squared sum would cancel catastrophically at price levels far above the spread.
 */
export function bollinger(
  values: Float64Array,
  period = 20,
  stdDev = 2,
  out: BollingerOutput = allocateBollinger(values.length),
): BollingerOutput {
  assertPeriod(period);
  assertNonNegative(stdDev, 'stdDev');
  const n = values.length;
  assertOutput(out.middle, n, 'out.middle');
  assertOutput(out.upper, n, 'out.upper');
  assertOutput(out.lower, n, 'out.lower');
  const middle = sma(values, period, out.middle);
  const { upper, lower } = out;
  const warm = Math.min(n, period - 1);
  upper.fill(Number.NaN, 0, warm);
  lower.fill(Number.NaN, 0, warm);
  let squares = 0;
  for (let i = period - 1; i < n; i++) {
    const mean = middle[i]!;
    if ((i - period + 1) % period === 0) {
      squares = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const deviation = values[j]! - mean;
        squares += deviation * deviation;
      }
    } else {
      const added = values[i]!;
      const removed = values[i - period]!;
      squares += (added - removed) * (added - mean + removed - middle[i - 1]!);
      if (squares < 0) squares = 0;
    }
    const width = stdDev * Math.sqrt(squares / period);
    upper[i] = mean + width;
    lower[i] = mean - width;
  }
  return out;
}

function allocateBollinger(length: number): BollingerOutput {
  return {
    middle: new Float64Array(length),
    upper: new Float64Array(length),
    lower: new Float64Array(length),
  };
}
