import { describe, expect, it } from 'vitest';
import { missingRanges, normalizeRanges, unionRanges } from './ranges.js';

const r = (from: number, to: number) => ({ from, to });

describe('ranges', () => {
  it('normalizes: sorts, drops empty spans, joins overlapping and touching ones', () => {
    expect(normalizeRanges([r(10, 20), r(0, 5), r(5, 7), r(15, 30), r(40, 40)])).toEqual([
      r(0, 7),
      r(10, 30),
    ]);
  });

  it('unions two lists', () => {
    expect(unionRanges([r(0, 10)], [r(20, 30), r(5, 12)])).toEqual([r(0, 12), r(20, 30)]);
  });

  it.each([
    ['nothing cached', r(0, 100), [], [r(0, 100)]],
    ['all cached', r(10, 20), [r(0, 100)], []],
    ['a head and a tail missing', r(0, 100), [r(20, 50)], [r(0, 20), r(50, 100)]],
    [
      'holes between cached spans',
      r(0, 100),
      [r(10, 20), r(30, 40)],
      [r(0, 10), r(20, 30), r(40, 100)],
    ],
    ['cached spans outside the request', r(50, 60), [r(0, 10), r(90, 100)], [r(50, 60)]],
    ['an empty request', r(50, 50), [], []],
  ])('finds what is missing: %s', (_, want, have, missing) => {
    expect(missingRanges(want, have)).toEqual(missing);
  });
});
