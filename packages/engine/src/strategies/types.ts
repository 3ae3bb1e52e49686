import type { Static, TObject } from 'typebox';
import type { BarColumn, Bars } from '../bars.js';
import type { RuleLanguageInfo } from '../rules/describe.js';
import type { Signals } from '../signals.js';
import type { IndicatorProvider, SeriesSpec } from './series.js';

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
 * A strategy: a TypeBox schema of its parameters (with defaults and bounds), the indicator
 * series it reads, and a pure function from bars and parameters to signals.
 */
export interface StrategyDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly params: S;
  /** The language its string parameters are written in (`rules`), for clients offering completion. */
  readonly language?: RuleLanguageInfo;
  /** A rule across parameters that a JSON Schema cannot state (fast < slow): the issue, if broken. */
  validate?(params: Static<S>): ParamIssue | undefined;
  /**
   * The bar columns `signals` reads itself with these parameters, besides its indicator series
   * (whose columns their names fix) and time: with those, every column it may read (see
   * strategyColumns). Most read fixed columns; `rules` reads those its expressions name.
   */
  reads(params: Static<S>): readonly BarColumn[];
  /**
   * Every indicator series `signals` reads with these parameters, so a caller can compute (or
   * load) each distinct one once - for a run, or for a sweep whose runs share SMA(10).
   */
  indicators(params: Static<S>): SeriesSpec[];
  /**
   * Signals from the bars; the series come from `indicators` when given (it computes what it
   * lacks), else the strategy computes them itself. Bit for bit the same either way.
   */
  signals(bars: Bars, params: Static<S>, indicators?: IndicatorProvider): Signals;
}
