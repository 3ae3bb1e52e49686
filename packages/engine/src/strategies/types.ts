import type { Static, TObject } from 'typebox';
import type { Bars } from '../bars.js';
import type { RuleLanguageInfo } from '../rules/describe.js';
import type { Signals } from '../signals.js';

/** One thing wrong with a strategy's parameters. */
export interface ParamIssue {
  /** The parameter at fault, or null when the parameters as a whole are (not an object). */
  readonly param: string | null;
  /** Reads after the parameter's name: `must be < slow (got fast=30, slow=10)`. */
  readonly problem: string;
  /** Where in the parameter's text the problem is (1-based), for an expression of `rules`. */
  readonly column?: number;
}

/**
 * A strategy: a TypeBox schema of its parameters (with defaults and bounds) and a pure
 * function from bars and parameters to signals.
 */
export interface StrategyDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly params: S;
  /** The language its string parameters are written in (`rules`), for clients offering completion. */
  readonly language?: RuleLanguageInfo;
  /** A rule across parameters that a JSON Schema cannot state (fast < slow): the issue, if broken. */
  validate?(params: Static<S>): ParamIssue | undefined;
  signals(bars: Bars, params: Static<S>): Signals;
}
