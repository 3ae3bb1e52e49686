import {
  BAR_COLUMNS,
  type BarColumn,
  checkSchema,
  getStrategy,
  resolveParams,
  type SimulationConfig,
  type StrategyDefinition,
} from '@hindsight/engine';
import Value from 'typebox/value';
import { runColumns } from '../run-backtest.js';

/** One value a grid tries for a parameter. */
export type GridValue = number | boolean | string;
/** The values to try per parameter; a sweep runs their cross product. */
export type SweepGrid = Readonly<Record<string, readonly GridValue[]>>;
/** A random sample of the grid's cross product instead of all of it. */
export interface RandomSearch {
  mode: 'random';
  samples: number;
  seed: number;
}

/** One combination: its ordinal in the cross product and the parameters it runs with. */
export interface SweepCombo {
  index: number;
  params: Record<string, unknown>;
}

export interface SweepPlan {
  /** Every combination of the grid (or of the sample), skipped ones included. */
  total: number;
  /** The combinations to run, parameters resolved with their defaults, by index. */
  runnable: SweepCombo[];
  /** The combinations the strategy's own rule across parameters refuses (fast >= slow). */
  skipped: Array<SweepCombo & { reason: string }>;
}

/** The number of combinations in a grid's cross product. */
export function gridSize(grid: SweepGrid): number {
  return Object.values(grid).reduce((size, values) => size * values.length, 1);
}

/**
 * The parameters of combination `index` of the cross product: parameters in name order, the first
 * varying slowest (as itertools.product), each value in the order the grid lists it.
 */
export function comboAt(grid: SweepGrid, index: number): Record<string, GridValue> {
  const names = Object.keys(grid).sort();
  const out: Record<string, GridValue> = {};
  let rest = index;
  for (let k = names.length - 1; k >= 0; k--) {
    const values = grid[names[k]!]!;
    out[names[k]!] = values[rest % values.length]!;
    rest = Math.floor(rest / values.length);
  }
  return Object.fromEntries(names.map((name) => [name, out[name]!]));
}

/**
 * The ordinals a random search runs: `samples` distinct ones drawn with mulberry32(seed) by
 * Floyd's algorithm (no ordinal twice, memory in the sample's size), ascending. All of them when
 * the sample is at least the grid.
 */
export function sampleIndices(total: number, samples: number, seed: number): number[] {
  if (samples >= total) return Array.from({ length: total }, (_, i) => i);
  const random = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = total - samples; j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** A small, well-mixed 32-bit PRNG: the same seed gives the same sample on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every combination of a sweep, checked as a standalone backtest checks its parameters: each is
 * the fixed `params` overlaid with the grid's values and resolved (defaults, schema, the
 * strategy's rule across parameters). A combination that breaks only that rule is skipped and
 * counted; one that breaks the schema (an unknown name, a value out of bounds) makes the whole
 * sweep a bad request.
 * @throws UnknownStrategyError, StrategyParamsError for the first combination off the schema.
 */
export function planSweep(input: {
  strategy: string;
  params: Record<string, unknown>;
  grid: SweepGrid;
  search?: RandomSearch;
}): SweepPlan {
  const definition = getStrategy(input.strategy);
  const size = gridSize(input.grid);
  const indices =
    input.search === undefined
      ? Array.from({ length: size }, (_, i) => i)
      : sampleIndices(size, input.search.samples, input.search.seed);
  const runnable: SweepCombo[] = [];
  const skipped: SweepPlan['skipped'] = [];
  for (const index of indices) {
    const raw = { ...input.params, ...comboAt(input.grid, index) };
    const withDefaults = Value.Default(definition.params, Value.Clone(raw));
    const issue = checkSchema(definition.params, withDefaults)
      ? definition.validate?.(withDefaults)
      : undefined;
    if (issue) {
      skipped.push({
        index,
        params: withDefaults as Record<string, unknown>,
        reason: issue.problem,
      });
      continue;
    }
    // The standalone path: throws the same StrategyParamsError a backtest with these would.
    runnable.push({ index, params: resolveParams(input.strategy, raw) });
  }
  return { total: indices.length, runnable, skipped };
}

/**
 * The bar columns (besides time) a run of any of these combinations reads: the union of each one's
 * runColumns, since a combination's parameters may change them (a `rules` expression). Bars that
 * hold these give every cell of the sweep the result of whole bars.
 */
export function sweepColumns(input: {
  strategy: StrategyDefinition;
  simulation: SimulationConfig;
  combos: readonly SweepCombo[];
}): BarColumn[] {
  const { strategy, simulation } = input;
  const reads = new Set<BarColumn>();
  for (const { params } of input.combos) {
    for (const column of runColumns({ strategy, params, simulation })) reads.add(column);
    if (reads.size === BAR_COLUMNS.length) break;
  }
  return BAR_COLUMNS.filter((column) => reads.has(column));
}
