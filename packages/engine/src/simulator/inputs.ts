import { SimulationConfigError, validateBacktestingPySymbolCount } from './config.js';
import type { SimulationConfig, SymbolInput } from './types.js';

const SIGNAL_COLUMNS = ['enterLong', 'exitLong', 'enterShort', 'exitShort'] as const;
const WEIGHT_TOLERANCE = 1e-9;

export interface CheckedInputs {
  /** Bars per symbol, identical for all. */
  readonly length: number;
  /** The largest warm-up over all symbols. */
  readonly warmup: number;
}

function fail(message: string): never {
  throw new SimulationConfigError(message);
}

function formatTime(t: number): string {
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? String(t) : date.toISOString();
}

/**
 * Checks the symbols of a run: at least one, unique names, at least one bar each, signals as long
 * as the bars with a warm-up inside them, weights > 0 summing to 1, and one identical timeline.
 * @throws SimulationConfigError naming the symbol and, for a timeline mismatch, the first bar.
 */
export function validateSimulationInputs(
  inputs: readonly SymbolInput[],
  config: SimulationConfig,
): CheckedInputs {
  if (!Array.isArray(inputs) || inputs.length === 0) fail('inputs must hold at least one symbol');
  validateBacktestingPySymbolCount(config.conventions, inputs.length);
  const first = inputs[0]!;
  const seen = new Set<string>();
  let warmup = 0;
  let weightSum = 0;
  for (const input of inputs) {
    const { symbol, bars, signals, weight } = input;
    if (typeof symbol !== 'string' || symbol.length === 0) {
      fail(`every input needs a non-empty symbol name, got ${String(symbol)}`);
    }
    if (seen.has(symbol)) fail(`symbol "${symbol}" appears more than once`);
    seen.add(symbol);
    if (bars.length < 1) fail(`symbol "${symbol}" has no bars (at least one is needed)`);
    for (const column of SIGNAL_COLUMNS) {
      if (signals[column].length !== bars.length) {
        fail(
          `symbol "${symbol}": signals.${column} has ${signals[column].length} values, ` +
            `bars have ${bars.length}`,
        );
      }
    }
    if (!Number.isInteger(signals.warmup) || signals.warmup < 0) {
      fail(`symbol "${symbol}": signals.warmup must be a whole number >= 0, got ${signals.warmup}`);
    }
    if (signals.warmup >= bars.length) {
      fail(
        `symbol "${symbol}": signals.warmup ${signals.warmup} is past the last bar ` +
          `(${bars.length} bars): the strategy needs more data`,
      );
    }
    warmup = Math.max(warmup, signals.warmup);
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight > 0)) {
      fail(`symbol "${symbol}": weight must be a finite number > 0, got ${weight}`);
    }
    weightSum += weight;
    if (input !== first) checkSameTimeline(first, input);
  }
  if (Math.abs(weightSum - 1) > WEIGHT_TOLERANCE) {
    fail(`weights must sum to 1 (within ${WEIGHT_TOLERANCE}), they sum to ${weightSum}`);
  }
  return { length: first.bars.length, warmup };
}

function checkSameTimeline(reference: SymbolInput, other: SymbolInput): void {
  const a = reference.bars.time;
  const b = other.bars.time;
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) {
      fail(
        `symbol "${other.symbol}" is not on the timeline of "${reference.symbol}": bar ${i} is at ` +
          `${formatTime(b[i]!)}, "${reference.symbol}" has ${formatTime(a[i]!)} (align them with alignBars)`,
      );
    }
  }
  if (a.length !== b.length) {
    const longer = a.length > b.length ? reference : other;
    fail(
      `symbol "${other.symbol}" has ${b.length} bars, "${reference.symbol}" has ${a.length}: ` +
        `bar ${common} (${formatTime(longer.bars.time[common]!)}) exists only in "${longer.symbol}" ` +
        '(align them with alignBars)',
    );
  }
}
