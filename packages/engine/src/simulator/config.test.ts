import { describe, expect, it } from 'vitest';
import { SimulationConfigError, validateSimulationConfig } from './config.js';
import type { SimulationConfig } from './types.js';
import { simulationConfig } from './types.js';

const VALID: SimulationConfig = simulationConfig({ cash: 10_000, commission: 0.001 });

function rejection(patch: Record<string, unknown>): SimulationConfigError {
  try {
    validateSimulationConfig({ ...VALID, ...patch } as SimulationConfig);
  } catch (error) {
    if (error instanceof SimulationConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(patch)} to be rejected`);
}

describe('validateSimulationConfig', () => {
  it('accepts a valid config in each profile', () => {
    expect(() => validateSimulationConfig(VALID)).not.toThrow();
    expect(() =>
      validateSimulationConfig({ ...VALID, conventions: 'backtesting.py' }),
    ).not.toThrow();
    expect(() =>
      validateSimulationConfig({
        ...VALID,
        fill: 'close',
        commissionFixed: 1,
        slippageBps: 5,
        stopLossPct: 5,
        takeProfitPct: 150,
        sizing: { mode: 'quantity', quantity: 2.5 },
      }),
    ).not.toThrow();
  });

  it.each([
    [{ cash: 0 }, /cash must be a finite number > 0, got 0/],
    [{ cash: Number.POSITIVE_INFINITY }, /cash must be a finite number > 0/],
    [{ commission: -0.001 }, /commission must be a fraction in \[0, 0.1\), got -0.001/],
    [{ commission: 0.1 }, /commission must be a fraction in \[0, 0.1\), got 0.1/],
    [{ commissionFixed: -1 }, /commissionFixed must be a finite number >= 0, got -1/],
    [{ slippageBps: Number.NaN }, /slippageBps must be in \[0, 10000\), got NaN/],
    [
      { sizing: { mode: 'fraction', fraction: 0, wholeUnits: true } },
      /fraction must be in \(0, 1\], got 0/,
    ],
    [
      { sizing: { mode: 'fraction', fraction: 1.5, wholeUnits: true } },
      /fraction must be in \(0, 1\], got 1.5/,
    ],
    [{ sizing: { mode: 'fraction', fraction: 1 } }, /sizing.wholeUnits must be a boolean/],
    [
      { sizing: { mode: 'quantity', quantity: 0 } },
      /sizing.quantity must be a finite number > 0, got 0/,
    ],
    [{ sizing: { mode: 'all-in' } }, /sizing.mode must be fraction or quantity, got all-in/],
    [{ fill: 'next_close' }, /fill must be one of next_open, close, got next_close/],
    [{ finalizeTrades: 'yes' }, /finalizeTrades must be a boolean, got yes/],
    [{ stopLossPct: 100 }, /stopLossPct must be null or a percentage in \(0, 100\), got 100/],
    [{ stopLossPct: 0 }, /stopLossPct must be null or a percentage in \(0, 100\), got 0/],
    [{ takeProfitPct: -5 }, /takeProfitPct must be null or a finite percentage > 0, got -5/],
    [
      { conventions: 'zipline' },
      /conventions must be one of hindsight, backtesting.py, got zipline/,
    ],
  ])('rejects %o', (patch, message) => {
    expect(rejection(patch).message).toMatch(message);
  });

  it.each([
    [{ fill: 'close' }, 'fill "close" (only next_open)'],
    [{ slippageBps: 2 }, 'slippageBps 2 (only 0)'],
    [{ commissionFixed: 1 }, 'commissionFixed 1 (only 0)'],
    [{ stopLossPct: 5 }, 'stopLossPct (stop-loss orders)'],
    [{ takeProfitPct: 5 }, 'takeProfitPct (take-profit orders)'],
    [{ sizing: { mode: 'quantity', quantity: 10 } }, 'sizing mode "quantity"'],
    [
      { sizing: { mode: 'fraction', fraction: 1, wholeUnits: false } },
      'fractional units (sizing.wholeUnits false)',
    ],
  ])('backtesting.py rejects %o', (patch, feature) => {
    const error = rejection({ ...patch, conventions: 'backtesting.py' });
    expect(error.name).toBe('SimulationConfigError');
    expect(error.message).toBe(`conventions "backtesting.py" does not support ${feature}`);
  });
});
