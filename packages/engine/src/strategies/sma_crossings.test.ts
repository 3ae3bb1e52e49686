import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { sma } from '../indicators/index.js';
import { emptySignals, firstDefined, type Signals } from '../signals.js';
import { markCrossings } from './crossings.js';
import { smaCrossings } from './sma_crossings.js';

// The reference is the array path the kernel replaces: both averages as columns, then the
// crossings of the two columns (indicators/sma.ts, strategies/crossings.ts).
function viaArrays(close: Float64Array, fast: number, slow: number, allowShort: boolean): Signals {
  const f = sma(close, fast);
  const s = sma(close, slow);
  const warmup = Math.max(firstDefined(f), firstDefined(s));
  return markCrossings(f, s, allowShort, emptySignals(close.length, warmup));
}

/** A random walk from a fixed seed (mulberry32), so a failure reproduces. */
function walk(length: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(length);
  let price = 100;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    price *= 1 + (u - 0.5) * 0.02;
    out[i] = price;
  }
  return out;
}

function expectSame(close: Float64Array, fast: number, slow: number, allowShort: boolean): void {
  expect(smaCrossings(close, fast, slow, allowShort)).toEqual(
    viaArrays(close, fast, slow, allowShort),
  );
}

describe('smaCrossings', () => {
  it('flags exactly the bars of sma + markCrossings on GOOG, with and without shorts', () => {
    const { close } = loadBars('GOOG');
    for (const [fast, slow] of [
      [10, 30],
      [1, 2],
      [5, 7],
      [50, 200],
    ] as const) {
      expectSame(close, fast, slow, false);
      expectSame(close, fast, slow, true);
    }
  });

  it('matches on random walks across many period pairs, re-summing included', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const close = walk(500 + seed * 37, seed);
      const fast = 1 + (seed % 9);
      const slow = fast + 1 + ((seed * 7) % 40);
      expectSame(close, fast, slow, seed % 2 === 0);
    }
  });

  it('sees no crossing in a flat market, where both averages are the flat price exactly', () => {
    // Walks with 300 bars of one repeated close, some across a chunk boundary (4,096 bars).
    for (let seed = 1; seed <= 40; seed++) {
      const close = walk(5000, seed);
      const from = seed % 2 === 0 ? 1000 + seed : 4090;
      close.fill(close[from]!, from, from + 300);
      expectSame(close, 5, 20, true);
      const { enterLong, exitLong } = smaCrossings(close, 5, 20, false);
      const flat = (flags: Uint8Array) => flags.subarray(from + 20, from + 300);
      expect(flat(enterLong).every((flag) => flag === 0)).toBe(true);
      expect(flat(exitLong).every((flag) => flag === 0)).toBe(true);
    }
  });

  it('matches when a NaN poisons the averages for a stretch and when bars are too few', () => {
    const close = walk(300, 7);
    close[100] = Number.NaN;
    expectSame(close, 3, 8, true);
    expectSame(walk(5, 3), 3, 8, true);
    expectSame(new Float64Array(0), 3, 8, false);
    expect(smaCrossings(walk(5, 3), 3, 8, false).warmup).toBe(5);
  });

  it('rejects a period that is not a whole number >= 1, as sma does', () => {
    expect(() => smaCrossings(walk(10, 1), 0, 3, false)).toThrow(RangeError);
    expect(() => smaCrossings(walk(10, 1), 2, 2.5, false)).toThrow(RangeError);
  });
});
