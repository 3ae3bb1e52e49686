import { describe, expect, it } from 'vitest';
import { type Bars, createBars } from '../bars.js';
import { alignBars } from './align.js';

/** Bars at the given times whose close is the time itself, so a kept row is easy to recognise. */
function barsAt(times: readonly number[]): Bars {
  return createBars({
    time: times,
    open: times,
    high: times,
    low: times,
    close: times,
    volume: times.map(() => 1),
  });
}

describe('alignBars', () => {
  it('keeps only the timestamps every symbol has, with their own rows', () => {
    const [a, b, c] = alignBars([
      barsAt([1, 2, 3, 4, 5, 6]),
      barsAt([2, 3, 5, 6, 7]),
      barsAt([0.5, 2, 5, 6]),
    ]);
    // Intersection of {1..6}, {2,3,5,6,7} and {0.5,2,5,6} is {2, 5, 6}.
    for (const bars of [a!, b!, c!]) {
      expect(bars.length).toBe(3);
      expect(Array.from(bars.time)).toEqual([2, 5, 6]);
      expect(Array.from(bars.close)).toEqual([2, 5, 6]);
    }
  });

  it('returns the inputs themselves when they already share one timeline', () => {
    const a = barsAt([1, 2, 3]);
    const b = barsAt([1, 2, 3]);
    const aligned = alignBars([a, b]);
    expect(aligned[0]).toBe(a);
    expect(aligned[1]).toBe(b);
  });

  it('gives empty bars when nothing is shared', () => {
    const aligned = alignBars([barsAt([1, 2]), barsAt([3, 4])]);
    expect(aligned.map((bars) => bars.length)).toEqual([0, 0]);
  });

  it('handles no input and a single input', () => {
    const a = barsAt([1, 2]);
    expect(alignBars([])).toEqual([]);
    expect(alignBars([a])[0]).toBe(a);
  });
});
