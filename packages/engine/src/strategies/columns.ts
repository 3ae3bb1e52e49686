import type { Static, TObject } from 'typebox';
import { BAR_COLUMNS, type BarColumn } from '../bars.js';
import { seriesReads } from './series.js';
import type { StrategyDefinition } from './types.js';

/**
 * Every bar column (besides time) the strategy's signals read with these parameters: its own
 * reads and those of each indicator series it names, in the order of BAR_COLUMNS.
 */
export function strategyColumns<S extends TObject>(
  strategy: StrategyDefinition<S>,
  params: Static<S>,
): BarColumn[] {
  const reads = new Set<BarColumn>(strategy.reads(params));
  for (const spec of strategy.indicators(params)) {
    for (const column of seriesReads(spec)) reads.add(column);
  }
  return BAR_COLUMNS.filter((column) => reads.has(column));
}
