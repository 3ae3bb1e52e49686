import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../psr.js';
import { deflatedSharpeRatio, expectedMaxSharpe } from './deflated-sharpe.js';
import { probabilityOfBacktestOverfitting } from './pbo.js';
import { summarizeTrial, trialSharpe } from './trial.js';

interface ReferenceCase {
  name: string;
  equity: number[][];
  sharpe: (number | null)[];
  skewness: (number | null)[];
  kurtosis: (number | null)[];
  trials: number;
  trialSharpeVariance: number;
  expectedMaxSharpe: number;
  psr: (number | null)[];
  dsr: (number | null)[];
  overfitting: Record<string, { pbo: number; splits: number; medianLogit: number }>;
}

// Made by packages/metrics/reference/sweep_reference.py (numpy over the whole return matrix,
// statistics.NormalDist, itertools.combinations); the command is in the fixture.
const reference = JSON.parse(
  readFileSync(new URL('../../reference/sweep-fixture.json', import.meta.url), 'utf8'),
) as { cases: ReferenceCase[] };

function close(
  actual: number | null | undefined,
  expected: number,
  tolerance: number,
  what: string,
) {
  expect(actual, what).not.toBeNull();
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected) / scale, `${what}: ${actual} vs ${expected}`).toBeLessThan(
    tolerance,
  );
}

describe('normalQuantile', () => {
  it.each([
    // Python statistics.NormalDist().inv_cdf(p), repr().
    [0.975, 1.9599639845400536],
    [0.99, 2.3263478740408408],
    [1e-10, -6.361340902404056],
    [0.5, 0],
  ])('Φ⁻¹(%d) = %d', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(1e-13);
  });

  it('is NaN outside (0, 1)', () => {
    expect(normalQuantile(0)).toBeNaN();
    expect(normalQuantile(1)).toBeNaN();
  });
});

describe('deflatedSharpeRatio: the worked example of Bailey & López de Prado (2014)', () => {
  // Section "A numerical example": N = 100 trials, V[SR] = 1/2 annualised, T = 1250 daily
  // returns, SR = 2.5 annualised, skewness -3, kurtosis 10, 250 days a year: the paper reports
  // E[max SR] = 0.1132 daily and DSR = 0.9004.
  const variance = 0.5 / 250;
  it('E[max SR] is 0.1132 and DSR 0.9004, to the paper’s four decimals', () => {
    expect(expectedMaxSharpe(100, variance)!.toFixed(4)).toBe('0.1132');
    const dsr = deflatedSharpeRatio(
      { sharpe: 2.5 / Math.sqrt(250), count: 1250, skewness: -3, kurtosis: 10 },
      { count: 100, sharpeVariance: variance },
    );
    expect(dsr!.toFixed(4)).toBe('0.9004');
  });

  it('is undefined for one trial or no dispersion across trials', () => {
    expect(expectedMaxSharpe(1, variance)).toBeNull();
    expect(expectedMaxSharpe(10, 0)).toBeNull();
  });
});

describe.each(reference.cases)('sweep statistics against the Python reference: $name', (c) => {
  const trials = c.equity.map((curve) => summarizeTrial(Float64Array.from(curve), 16));
  const samples = trials.map(trialSharpe);

  it('per-trial Sharpe, skewness and kurtosis (flat trials have none)', () => {
    samples.forEach((sample, j) => {
      if (c.sharpe[j] === null) {
        expect(sample, `trial ${j}`).toBeNull();
        return;
      }
      close(sample?.sharpe, c.sharpe[j]!, 1e-12, `sharpe ${j}`);
      close(sample?.skewness, c.skewness[j]!, 1e-9, `skewness ${j}`);
      close(sample?.kurtosis, c.kurtosis[j]!, 1e-9, `kurtosis ${j}`);
    });
  });

  it('expected maximum Sharpe, PSR and DSR of every trial', () => {
    const defined = samples.filter((s) => s !== null);
    expect(defined.length).toBe(c.trials);
    const sharpes = defined.map((s) => s.sharpe);
    const mean = sharpes.reduce((a, b) => a + b, 0) / sharpes.length;
    const variance = sharpes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sharpes.length - 1);
    close(variance, c.trialSharpeVariance, 1e-10, 'variance of the trial Sharpes');
    close(expectedMaxSharpe(c.trials, variance), c.expectedMaxSharpe, 1e-10, 'E[max SR]');
    samples.forEach((sample, j) => {
      if (sample === null) return;
      close(
        deflatedSharpeRatio(sample, { count: c.trials, sharpeVariance: variance }),
        c.dsr[j]!,
        1e-9,
        `dsr ${j}`,
      );
    });
  });

  it.each(Object.keys(c.overfitting))('PBO by CSCV with S = %s partitions', (s) => {
    const partitions = Number(s);
    const cut = c.equity.map((curve) => summarizeTrial(Float64Array.from(curve), partitions));
    const result = probabilityOfBacktestOverfitting(cut, cut[0]!.rowsPerBlock);
    const expected = c.overfitting[s]!;
    expect(result?.splits).toBe(expected.splits);
    expect(result?.pbo, 'pbo').toBe(expected.pbo);
    close(result?.medianLogit, expected.medianLogit, 1e-12, 'median logit');
  });
});

describe('probabilityOfBacktestOverfitting: edges', () => {
  const blocks = { sums: [0.1, -0.1, 0.2, 0], squares: [0.02, 0.02, 0.05, 0.01] };
  it('needs two trials and an even number of partitions', () => {
    expect(probabilityOfBacktestOverfitting([blocks], 5)).toBeNull();
    const odd = { sums: [0, 0, 0], squares: [0, 0, 0] };
    expect(probabilityOfBacktestOverfitting([odd, odd], 5)).toBeNull();
  });

  it('a trial that is best in every window is never overfit: PBO 0', () => {
    const good = { sums: [1, 1, 1, 1], squares: [0.3, 0.3, 0.3, 0.3] };
    const bad = { sums: [-1, -1, -1, -1], squares: [0.3, 0.3, 0.3, 0.3] };
    expect(probabilityOfBacktestOverfitting([bad, good, bad], 5)?.pbo).toBe(0);
  });
});
