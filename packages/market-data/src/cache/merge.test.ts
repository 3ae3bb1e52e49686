import { describe, expect, it } from 'vitest';
import { barsOf, rows } from '../../test/helpers.js';
import { mergeBars } from './merge.js';

// Rows are [time, open, high, low, close, volume]; the open marks which input a bar came from.
const base = barsOf([
  [1, 1, 1, 1, 1, 0],
  [2, 1, 1, 1, 1, 0],
  [3, 1, 1, 1, 1, 0],
  [4, 1, 1, 1, 1, 0],
  [5, 1, 1, 1, 1, 0],
]);

describe('mergeBars', () => {
  it('replaces the base inside the fetched range, bars the answer lacks included', () => {
    const incoming = barsOf([[3, 2, 2, 2, 2, 0]]);
    expect(
      rows(mergeBars(base, incoming, { from: 2, to: 5 })).map((row) => row.slice(0, 2)),
    ).toEqual([
      [1, 1],
      [3, 2],
      [5, 1],
    ]);
  });

  it('lets incoming bars win on equal timestamps outside the range and keeps order', () => {
    const incoming = barsOf([
      [0, 2, 2, 2, 2, 0],
      [5, 2, 2, 2, 2, 0],
      [6, 2, 2, 2, 2, 0],
    ]);
    expect(
      rows(mergeBars(base, incoming, { from: 6, to: 7 })).map((row) => row.slice(0, 2)),
    ).toEqual([
      [0, 2],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 2],
      [6, 2],
    ]);
  });

  it('handles empty inputs', () => {
    expect(mergeBars(barsOf([]), barsOf([]), { from: 0, to: 1 }).length).toBe(0);
    expect(rows(mergeBars(barsOf([]), base, { from: 0, to: 10 }))).toEqual(rows(base));
  });
});
