import { describe, expect, it } from 'vitest';
import { BarsValidationError, createBars, requireColumns, sliceBars } from './bars.js';

const good = {
  time: [1, 2, 3],
  open: [10, 11, 12],
  high: [11, 12, 13],
  low: [9, 10, 11],
  close: [10.5, 11.5, 12.5],
  volume: [100, 0, 50],
};

function badAt(patch: Partial<Record<keyof typeof good, readonly number[]>>): BarsValidationError {
  try {
    createBars({ ...good, ...patch });
  } catch (error) {
    if (error instanceof BarsValidationError) return error;
    throw error;
  }
  throw new Error('expected createBars to reject the bars');
}

describe('createBars', () => {
  it('keeps valid columns as Float64Arrays', () => {
    const bars = createBars(good);
    expect(bars.length).toBe(3);
    expect(bars.close).toBeInstanceOf(Float64Array);
    expect(Array.from(bars.close)).toEqual(good.close);
  });

  it.each([
    ['unsorted timestamps', { time: [1, 3, 2] }, 2, /before the previous/],
    ['duplicate timestamps', { time: [1, 2, 2] }, 2, /duplicate timestamp/],
    ['high below close', { high: [11, 11, 13] }, 1, /high 11 is below/],
    ['low above open', { low: [9, 11.5, 11] }, 1, /low 11.5 is above/],
    ['negative volume', { volume: [1, 2, -1] }, 2, /volume -1/],
    ['NaN price', { close: [10.5, Number.NaN, 12.5] }, 1, /finite and positive/],
    ['zero price', { open: [0, 11, 12] }, 0, /finite and positive/],
    ['column length mismatch', { volume: [1, 2] }, 2, /column volume has 2 values/],
  ] as const)('rejects %s naming the first bad bar', (_, patch, index, message) => {
    const error = badAt(patch);
    expect(error.index).toBe(index);
    expect(error.message).toMatch(message);
  });
});

describe('sliceBars', () => {
  it('returns views over the same memory', () => {
    const bars = createBars(good);
    const tail = sliceBars(bars, 1);
    expect(tail.length).toBe(2);
    expect(tail.close[0]).toBe(11.5);
    expect(tail.close.buffer).toBe(bars.close.buffer);
  });
});

describe('requireColumns', () => {
  it('passes bars holding every column asked for, and refuses bars lacking one', () => {
    const { time, close, open } = createBars(good);
    const some = { length: 3, time, close, open };
    expect(requireColumns(some, ['open', 'close'])).toBe(some);
    expect(() => requireColumns(some, ['close', 'high'])).toThrow(/lack the high column/);
    expect(() => requireColumns({ length: 3, time, close: close.subarray(1) }, ['close'])).toThrow(
      /lack the close column/,
    );
  });

  it('survives sliceBars: a slice holds the same columns, the others still absent', () => {
    const { time, close, open } = createBars(good);
    const slice = sliceBars(requireColumns({ length: 3, time, close, open }, ['open', 'close']), 1);
    expect(Object.keys(slice).sort()).toEqual(['close', 'length', 'open', 'time']);
    expect(Array.from(slice.close)).toEqual(Array.from(close.subarray(1)));
    expect(slice.open.buffer).toBe(open.buffer);
  });
});
