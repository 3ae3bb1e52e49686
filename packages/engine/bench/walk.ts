/** What the engine's benchmarks share: a seeded random walk and a fair timer. */
import { type Bars, createBars } from '../src/bars.js';

/** mulberry32: a small seeded generator, so every run sees the same walk. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomWalk(length: number, seed: number): Bars {
  const next = random(seed);
  const time = new Float64Array(length);
  const open = new Float64Array(length);
  const high = new Float64Array(length);
  const low = new Float64Array(length);
  const close = new Float64Array(length);
  const volume = new Float64Array(length);
  let price = 100;
  for (let i = 0; i < length; i++) {
    const o = price * (1 + (next() - 0.5) * 0.004);
    const c = o * (1 + (next() - 0.5) * 0.02);
    time[i] = Date.UTC(2000, 0, 1) + i * 60_000;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + next() * 0.005);
    low[i] = Math.min(o, c) * (1 - next() * 0.005);
    volume[i] = 1000;
    price = c;
  }
  return createBars({ time, open, high, low, close, volume });
}

/** Best time of each contender over `repeats` rounds, alternating them so load affects both alike. */
export function bestOfAlternating(repeats: number, runs: readonly (() => void)[]): number[] {
  const best = runs.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < repeats; r++) {
    runs.forEach((run, k) => {
      const t0 = process.hrtime.bigint();
      run();
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      if (elapsed < best[k]!) best[k] = elapsed;
    });
  }
  return best;
}
