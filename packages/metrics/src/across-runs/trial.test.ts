import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeTrial } from './trial.js';

/** The definition, written plainly: each return computed where it is used. */
function reference(equity: Float64Array, partitions: number) {
  const count = equity.length - 1;
  const r = (t: number) => equity[t]! / equity[t - 1]! - 1;
  let sum = 0;
  for (let t = 1; t <= count; t++) sum += r(t);
  const mean = count > 0 ? sum / count : 0;
  let [m2, m3, m4] = [0, 0, 0];
  for (let t = 1; t <= count; t++) {
    const d = r(t) - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * (d * d);
  }
  const rowsPerBlock = Math.floor(count / partitions);
  const skip = count - rowsPerBlock * partitions;
  const sums = new Array<number>(partitions).fill(0);
  const squares = new Array<number>(partitions).fill(0);
  for (let k = 0; k < rowsPerBlock * partitions; k++) {
    const b = Math.floor(k / rowsPerBlock);
    sums[b]! += r(1 + skip + k);
    squares[b]! += r(1 + skip + k) ** 2;
  }
  const per = (x: number) => (count > 0 ? x / count : 0);
  return { count, mean, m2: per(m2), m3: per(m3), m4: per(m4), rowsPerBlock, sums, squares };
}

describe('summarizeTrial', () => {
  it('equals the plainly written definition bit for bit, with or without working space', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: -0.3, max: 0.3, noNaN: true })), {
          maxLength: 200,
        }),
        fc.constantFrom(2, 4, 16),
        (moves, partitions) => {
          let e = 1_000;
          const equity = Float64Array.from([e, ...moves.map((m) => (e *= 1 + m))]);
          const expected = reference(equity, partitions);
          expect(summarizeTrial(equity, partitions)).toStrictEqual(expected);
          const scratch = new Float64Array(equity.length + 5).fill(Number.NaN);
          expect(summarizeTrial(equity, partitions, scratch)).toStrictEqual(expected);
        },
      ),
      { seed: 99, numRuns: 300 },
    );
  });
});
