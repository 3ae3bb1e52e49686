import { createBars } from '@hindsight/engine';
import { describe, expect, it } from 'vitest';
import { BarsMemo } from './bars-memo.js';

function bars(close: number) {
  const column = (value: number) => Float64Array.of(value);
  return createBars({
    time: Float64Array.of(0),
    open: column(close),
    high: column(close),
    low: column(close),
    close: column(close),
    volume: column(1),
  });
}

describe('BarsMemo', () => {
  it('answers only for the version the bars were read from', () => {
    const memo = new BarsMemo();
    const first = bars(1);
    memo.set('GOOG|1d', 3, first);
    expect(memo.get('GOOG|1d', 3)).toBe(first);
    expect(memo.get('GOOG|1d', 4), 'a newer version was published').toBeNull();
    expect(memo.get('GOOG|1d', 3), 'the stale entry is gone').toBeNull();
    expect(memo.get('GOOG|1d', null), 'nothing for an uncached series').toBeNull();
  });

  it('drops the least recently used entry beyond its capacity', () => {
    const memo = new BarsMemo(2);
    memo.set('a', 1, bars(1));
    memo.set('b', 1, bars(2));
    expect(memo.get('a', 1)).not.toBeNull();
    memo.set('c', 1, bars(3));
    expect(memo.size).toBe(2);
    expect(memo.get('b', 1), 'b was used least recently').toBeNull();
    expect(memo.get('a', 1)).not.toBeNull();
    expect(memo.get('c', 1)).not.toBeNull();
  });

  it('refuses a capacity below one', () => {
    expect(() => new BarsMemo(0)).toThrow(/at least one entry/);
  });
});
