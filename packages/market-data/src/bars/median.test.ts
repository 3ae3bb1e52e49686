import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf } from './median.js';

/** The textbook median: sort, take the middle (or the mean of the two middles). */
function sortedMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('medianOf', () => {
  it('equals the sorted median for any values, duplicates included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -5, max: 5 }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
          ),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        (values) => {
          // + 0 makes -0 and 0 one value: which of the two lands in the middle is arbitrary.
          expect(medianOf(Float64Array.from(values)) + 0).toBe(sortedMedian(values) + 0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('handles sorted, reversed and constant input', () => {
    const up = Array.from({ length: 1_001 }, (_, i) => i);
    expect(medianOf(Float64Array.from(up))).toBe(500);
    expect(medianOf(Float64Array.from(up.reverse()))).toBe(500);
    expect(medianOf(new Float64Array(10).fill(3))).toBe(3);
    expect(medianOf(Float64Array.of(1, 2))).toBe(1.5);
  });
});
