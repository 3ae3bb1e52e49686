import type { BacktestSort } from '@hindsight/models';
import { type BacktestRecord, createError, SUMMARY_STATS } from '@hindsight/models';

export type SummaryStat = (typeof SUMMARY_STATS)[number];
export type SortField = 'createdAt' | 'name' | 'status' | SummaryStat;
/** What a record sorts by: text for its own fields, a number or null for a statistic. */
type SortKey = string | number | null;

export interface SortOrder {
  field: SortField;
  descending: boolean;
}

export function sortOrder(sort: BacktestSort): SortOrder {
  const descending = sort.startsWith('-');
  return { field: (descending ? sort.slice(1) : sort) as SortField, descending };
}

/**
 * Whether the list is sorted by a statistic of the summary. Those may be null (a backtest not
 * completed, a statistic undefined for its run): such records come last in either direction,
 * ordered by id, as a "best first" list should not open with runs that have no figure.
 */
export function isStatSort(field: SortField): field is SummaryStat {
  return (SUMMARY_STATS as readonly string[]).includes(field);
}

/** The value `record` sorts by under `field`. */
function sortKeyOf(record: BacktestRecord, field: SortField): SortKey {
  return isStatSort(field) ? (record.summary?.[field] ?? null) : record[field];
}

/** Where a page ended: the last item's sort value and id (ids break ties, so order is total). */
export interface CursorPosition {
  key: SortKey;
  id: string;
}

export function cursorAfter(record: BacktestRecord, sort: BacktestSort): string {
  const position = [sort, sortKeyOf(record, sortOrder(sort).field), record.id];
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function isKeyFor(field: SortField, key: unknown): key is SortKey {
  if (isStatSort(field)) return key === null || (typeof key === 'number' && Number.isFinite(key));
  return typeof key === 'string';
}

/** The position a cursor names; HS_ERR_BAD_CURSOR if it is not one, or was made for another sort. */
export function decodeCursor(cursor: string, sort: BacktestSort): CursorPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw createError('HS_ERR_BAD_CURSOR', { reason: 'not a cursor this api made' });
  }
  if (
    !Array.isArray(position) ||
    position.length !== 3 ||
    typeof position[0] !== 'string' ||
    typeof position[2] !== 'string'
  ) {
    throw createError('HS_ERR_BAD_CURSOR', { reason: 'not a cursor this api made' });
  }
  const [cursorSort, key, id] = position as [string, unknown, string];
  if (cursorSort !== sort) {
    throw createError('HS_ERR_BAD_CURSOR', {
      reason: `it continues a list sorted by '${cursorSort}', not '${sort}'`,
    });
  }
  if (!isKeyFor(sortOrder(sort).field, key)) {
    throw createError('HS_ERR_BAD_CURSOR', { reason: 'not a cursor this api made' });
  }
  return { key, id };
}
