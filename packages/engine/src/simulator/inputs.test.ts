import { describe, expect, it } from 'vitest';
import { type Bars, createBars } from '../bars.js';
import { emptySignals } from '../signals.js';
import { SimulationConfigError } from './config.js';
import { validateSimulationInputs } from './inputs.js';
import { simulate } from './simulate.js';
import type { SimulationConfig, SymbolInput } from './types.js';
import { simulationConfig } from './types.js';

const CONFIG: SimulationConfig = simulationConfig({ cash: 1000, commission: 0 });

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function flatBars(times: readonly number[]): Bars {
  const prices = times.map(() => 10);
  return createBars({
    time: times,
    open: prices,
    high: prices,
    low: prices,
    close: prices,
    volume: prices,
  });
}

const days = (count: number): number[] => Array.from({ length: count }, (_, i) => T0 + i * DAY);

function input(symbol: string, times: readonly number[], weight = 1): SymbolInput {
  return { symbol, bars: flatBars(times), signals: emptySignals(times.length, 0), weight };
}

function rejection(inputs: SymbolInput[], config: SimulationConfig = CONFIG): string {
  try {
    validateSimulationInputs(inputs, config);
  } catch (error) {
    if (error instanceof SimulationConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the inputs to be rejected');
}

describe('validateSimulationInputs', () => {
  it('returns the common length and the largest warm-up', () => {
    const a = input('A', days(5), 0.5);
    const b = { ...input('B', days(5), 0.5), signals: emptySignals(5, 3) };
    expect(validateSimulationInputs([a, b], CONFIG)).toEqual({ length: 5, warmup: 3 });
  });

  it('accepts weights that sum to 1 up to rounding', () => {
    // 0.1 + 0.2 + 0.7 = 0.9999999999999999 in binary floating point.
    const inputs = [input('A', days(3), 0.1), input('B', days(3), 0.2), input('C', days(3), 0.7)];
    expect(() => validateSimulationInputs(inputs, CONFIG)).not.toThrow();
  });

  it('needs at least one symbol and one bar', () => {
    expect(rejection([])).toBe('inputs must hold at least one symbol');
    expect(rejection([input('A', [])])).toBe('symbol "A" has no bars (at least one is needed)');
  });

  it('rejects duplicate symbols, bad weights and weights not summing to 1', () => {
    expect(rejection([input('A', days(3), 0.5), input('A', days(3), 0.5)])).toBe(
      'symbol "A" appears more than once',
    );
    expect(rejection([input('A', days(3), 0)])).toBe(
      'symbol "A": weight must be a finite number > 0, got 0',
    );
    expect(rejection([input('A', days(3), 0.5), input('B', days(3), 0.4)])).toMatch(
      /weights must sum to 1 \(within 1e-9\), they sum to 0.9/,
    );
  });

  it('rejects signals of the wrong length and a bad warm-up', () => {
    const short = { ...input('A', days(4)), signals: emptySignals(3, 0) };
    expect(rejection([short])).toBe('symbol "A": signals.enterLong has 3 values, bars have 4');
    const negative = { ...input('A', days(4)), signals: emptySignals(4, -1) };
    expect(rejection([negative])).toBe(
      'symbol "A": signals.warmup must be a whole number >= 0, got -1',
    );
    const tooLong = { ...input('A', days(4)), signals: emptySignals(4, 4) };
    expect(rejection([tooLong])).toBe(
      'symbol "A": signals.warmup 4 is past the last bar (4 bars): the strategy needs more data',
    );
  });

  it('names the first bar where two timelines differ', () => {
    const shifted = days(4).map((t, i) => (i >= 2 ? t + DAY : t));
    expect(rejection([input('A', days(4), 0.5), input('B', shifted, 0.5)])).toBe(
      'symbol "B" is not on the timeline of "A": bar 2 is at 2024-01-04T00:00:00.000Z, ' +
        '"A" has 2024-01-03T00:00:00.000Z (align them with alignBars)',
    );
    expect(rejection([input('A', days(4), 0.5), input('B', days(3), 0.5)])).toBe(
      'symbol "B" has 3 bars, "A" has 4: bar 3 (2024-01-04T00:00:00.000Z) exists only in "A" ' +
        '(align them with alignBars)',
    );
  });

  it('refuses a portfolio under the backtesting.py conventions', () => {
    const config: SimulationConfig = { ...CONFIG, conventions: 'backtesting.py' };
    expect(rejection([input('A', days(3), 0.5), input('B', days(3), 0.5)], config)).toBe(
      'conventions "backtesting.py" does not support 2 symbols (a portfolio); it runs exactly one',
    );
  });
});

describe('simulate input checks', () => {
  it('validates the config, the inputs and the options before running', () => {
    expect(() => simulate([input('A', days(3))], { ...CONFIG, cash: -1 })).toThrow(
      SimulationConfigError,
    );
    expect(() => simulate([], CONFIG)).toThrow('inputs must hold at least one symbol');
    expect(() => simulate([input('A', days(3))], CONFIG, { progressEveryBars: 0 })).toThrow(
      'progressEveryBars must be a whole number >= 1, got 0',
    );
  });

  it('runs a single bar: nothing to decide, equity is the cash', () => {
    const result = simulate([input('A', days(1))], CONFIG);
    expect(Array.from(result.equity)).toEqual([1000]);
    expect(result.trades).toEqual([]);
  });
});
