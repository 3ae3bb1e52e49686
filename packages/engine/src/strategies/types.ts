import type { Static, TObject } from 'typebox';
import type { Bars } from '../bars.js';
import type { Signals } from '../signals.js';

/**
 * A built-in strategy: a TypeBox schema of its parameters (with defaults and bounds) and a pure
 * function from bars and parameters to signals.
 */
export interface StrategyDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly params: S;
  signals(bars: Bars, params: Static<S>): Signals;
}
