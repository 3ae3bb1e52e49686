import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referencePbo } from '../../test/pbo-reference.js';
import { probabilityOfBacktestOverfitting, type TrialBlocks } from './pbo.js';
import { summarizeTrial } from './trial.js';

/** A number's IEEE 754 bits, so -0 and 0 (or two NaNs) are told apart as the bits are. */
function bits(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  return new BigUint64Array(Float64Array.of(value).buffer)[0]!.toString(16);
}

/**
 * Block values from a small pool (ties between trials, sums that round differently in another
 * order: 0.1 + 0.2 + 0.3), the odd non-finite one (a trial without a Sharpe ratio), or any double.
 */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, -0, 0.1, 0.2, 0.3, -0.1, -0.3, 1, -1, 1e-17, 3) },
  { weight: 4, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e308) },
);

type Recipe =
  | { kind: 'fresh'; sums: number[]; squares: number[] }
  | { kind: 'flat' }
  | { kind: 'copy'; of: number; rotate: number };

/** S blocks per trial; trials are fresh, flat (no dispersion) or an earlier trial rotated. */
const sweep = fc
  .record({
    half: fc.integer({ min: 1, max: 8 }),
    count: fc.integer({ min: 2, max: 50 }),
    rowsPerBlock: fc.integer({ min: 1, max: 40 }),
  })
  .chain(({ half, count, rowsPerBlock }) => {
    const s = 2 * half;
    const blocks = fc.array(value, { minLength: s, maxLength: s });
    const recipe: fc.Arbitrary<Recipe> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ kind: fc.constant('fresh'), sums: blocks, squares: blocks }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('flat') }) },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('copy'), of: fc.nat(), rotate: fc.nat() }),
      },
    );
    return fc.record({
      rowsPerBlock: fc.constant(rowsPerBlock),
      trials: fc.array(recipe, { minLength: count, maxLength: count }).map((recipes) => {
        const trials: TrialBlocks[] = [];
        for (const r of recipes) {
          if (r.kind === 'fresh') trials.push(r);
          else if (r.kind === 'flat')
            trials.push({ sums: Array(s).fill(0.5), squares: Array(s).fill(0) });
          else if (trials.length === 0)
            trials.push({ sums: Array(s).fill(0), squares: Array(s).fill(0) });
          else {
            const source = trials[r.of % trials.length]!;
            const turn = (xs: ArrayLike<number>) =>
              Array.from({ length: s }, (_, b) => xs[(b + r.rotate) % s]!);
            trials.push({ sums: turn(source.sums), squares: turn(source.squares) });
          }
        }
        return trials;
      }),
    });
  });

describe('probabilityOfBacktestOverfitting: the same bits as the split-by-split original', () => {
  it('on random trial blocks (ties, flat and non-finite trials, S = 2..16, N = 2..50)', () => {
    fc.assert(
      fc.property(sweep, ({ trials, rowsPerBlock }) => {
        const fast = probabilityOfBacktestOverfitting(trials, rowsPerBlock);
        const original = referencePbo(trials, rowsPerBlock);
        expect(fast).not.toBeNull();
        expect([fast!.pbo, fast!.partitions, fast!.splits, fast!.medianLogit].map(bits)).toEqual(
          [original!.pbo, original!.partitions, original!.splits, original!.medianLogit].map(bits),
        );
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('on a sweep-sized case: 200 random walks of 1,000 bars, some twice, S = 16', () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    const walks = Array.from({ length: 150 }, () => {
      const equity = new Float64Array(1_000);
      const drift = rand() * 0.001;
      equity[0] = 100_000;
      for (let t = 1; t < equity.length; t++)
        equity[t] = equity[t - 1]! * (1 + drift + rand() * 0.02);
      return summarizeTrial(equity, 16);
    });
    // Same parameters, same trial: exact ties, as a grid with an inert parameter makes.
    const trials = [...walks, ...walks.slice(0, 50)];
    const fast = probabilityOfBacktestOverfitting(trials, trials[0]!.rowsPerBlock);
    const original = referencePbo(trials, trials[0]!.rowsPerBlock);
    expect([fast!.pbo, fast!.splits, fast!.medianLogit].map(bits)).toEqual(
      [original!.pbo, original!.splits, original!.medianLogit].map(bits),
    );
  }, 60_000);
});
