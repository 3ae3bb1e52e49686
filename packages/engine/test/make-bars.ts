import { type Bars, createBars } from '../src/bars.js';

const DAY = 86_400_000;

export interface BarOverrides {
  open?: readonly number[];
  high?: readonly number[];
  low?: readonly number[];
  volume?: readonly number[];
}

/**
 * Daily bars from closes, for tests that want to see the answer: open = close unless given,
 * high = max(open, close) and low = min(open, close) unless given, volume 1000 unless given.
 */
export function barsFromCloses(closes: readonly number[], overrides: BarOverrides = {}): Bars {
  const open = overrides.open ?? closes;
  return createBars({
    time: closes.map((_, i) => Date.UTC(2020, 0, 1) + i * DAY),
    open,
    high: overrides.high ?? closes.map((c, i) => Math.max(c, open[i]!)),
    low: overrides.low ?? closes.map((c, i) => Math.min(c, open[i]!)),
    close: closes,
    volume: overrides.volume ?? closes.map(() => 1000),
  });
}

/** Bars where every price is `price` and every volume `volume`. */
export function constantBars(length: number, price: number, volume = 1000): Bars {
  const prices = new Array<number>(length).fill(price);
  return barsFromCloses(prices, { volume: new Array<number>(length).fill(volume) });
}
