import { CONVENTIONS, FILL_MODES, type SimulationConfig } from './types.js';

/** A simulation's config or inputs break a rule; the message names the field and the value. */
export class SimulationConfigError extends Error {
  override readonly name = 'SimulationConfigError';
}

const BACKTESTING_PY = 'backtesting.py';

function fail(message: string): never {
  throw new SimulationConfigError(message);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function unsupported(feature: string): never {
  fail(`conventions "${BACKTESTING_PY}" does not support ${feature}`);
}

/**
 * Checks every field of a config, then what the backtesting.py profile cannot express.
 * @throws SimulationConfigError naming the first bad field.
 */
export function validateSimulationConfig(config: SimulationConfig): void {
  if (typeof config !== 'object' || config === null) fail('config must be an object');
  const { cash, commission, commissionFixed, slippageBps, sizing, fill } = config;
  if (!isFiniteNumber(cash) || !(cash > 0)) fail(`cash must be a finite number > 0, got ${cash}`);
  if (!isFiniteNumber(commission) || !(commission >= 0 && commission < 0.1)) {
    fail(`commission must be a fraction in [0, 0.1), got ${commission}`);
  }
  if (!isFiniteNumber(commissionFixed) || !(commissionFixed >= 0)) {
    fail(`commissionFixed must be a finite number >= 0, got ${commissionFixed}`);
  }
  if (!isFiniteNumber(slippageBps) || !(slippageBps >= 0 && slippageBps < 10_000)) {
    fail(`slippageBps must be in [0, 10000), got ${slippageBps}`);
  }
  validateSizing(sizing);
  if (!FILL_MODES.includes(fill)) {
    fail(`fill must be one of ${FILL_MODES.join(', ')}, got ${String(fill)}`);
  }
  if (typeof config.finalizeTrades !== 'boolean') {
    fail(`finalizeTrades must be a boolean, got ${String(config.finalizeTrades)}`);
  }
  const { stopLossPct, takeProfitPct } = config;
  if (
    stopLossPct !== null &&
    !(isFiniteNumber(stopLossPct) && stopLossPct > 0 && stopLossPct < 100)
  ) {
    fail(`stopLossPct must be null or a percentage in (0, 100), got ${stopLossPct}`);
  }
  if (takeProfitPct !== null && !(isFiniteNumber(takeProfitPct) && takeProfitPct > 0)) {
    fail(`takeProfitPct must be null or a finite percentage > 0, got ${takeProfitPct}`);
  }
  if (!CONVENTIONS.includes(config.conventions)) {
    fail(`conventions must be one of ${CONVENTIONS.join(', ')}, got ${String(config.conventions)}`);
  }
  if (config.conventions === BACKTESTING_PY) validateBacktestingPyConfig(config);
}

function validateSizing(sizing: SimulationConfig['sizing']): void {
  if (typeof sizing !== 'object' || sizing === null) fail('sizing must be an object');
  if (sizing.mode === 'fraction') {
    const { fraction, wholeUnits } = sizing;
    if (!isFiniteNumber(fraction) || !(fraction > 0 && fraction <= 1)) {
      fail(`sizing.fraction must be in (0, 1], got ${fraction}`);
    }
    if (typeof wholeUnits !== 'boolean') {
      fail(`sizing.wholeUnits must be a boolean, got ${String(wholeUnits)}`);
    }
  } else if (sizing.mode === 'quantity') {
    const { quantity } = sizing;
    if (!isFiniteNumber(quantity) || !(quantity > 0)) {
      fail(`sizing.quantity must be a finite number > 0, got ${quantity}`);
    }
  } else {
    fail(
      `sizing.mode must be fraction or quantity, got ${String((sizing as { mode: unknown }).mode)}`,
    );
  }
}

function validateBacktestingPyConfig(config: SimulationConfig): void {
  if (config.fill !== 'next_open') unsupported(`fill "${config.fill}" (only next_open)`);
  if (config.slippageBps !== 0) unsupported(`slippageBps ${config.slippageBps} (only 0)`);
  if (config.commissionFixed !== 0) {
    unsupported(`commissionFixed ${config.commissionFixed} (only 0)`);
  }
  if (config.stopLossPct !== null) unsupported('stopLossPct (stop-loss orders)');
  if (config.takeProfitPct !== null) unsupported('takeProfitPct (take-profit orders)');
  if (config.sizing.mode !== 'fraction') unsupported('sizing mode "quantity"');
  if (!config.sizing.wholeUnits) unsupported('fractional units (sizing.wholeUnits false)');
}

/** Symbol count is only known with the inputs; backtesting.py runs one instrument. */
export function validateBacktestingPySymbolCount(conventions: string, symbols: number): void {
  if (conventions === BACKTESTING_PY && symbols !== 1) {
    unsupported(`${symbols} symbols (a portfolio); it runs exactly one`);
  }
}
