import { createError } from '../errors.js';
import type { BacktestRecord } from '../schemas/backtest-record.js';
import type { BacktestSort } from '../schemas/list-backtests.js';

export type SortField = 'createdAt' | 'name' | 'status';

export interface SortOrder {
  field: SortField;
  descending: boolean;
}

export function sortOrder(sort: BacktestSort): SortOrder {
  const descending = sort.startsWith('-');
  return { field: (descending ? sort.slice(1) : sort) as SortField, descending };
}

/** Where a page ended: the last item's sort value and id (ids break ties, so order is total). */
export interface CursorPosition {
  key: string;
  id: string;
}

export function cursorAfter(record: BacktestRecord, sort: BacktestSort): string {
  const position = [sort, record[sortOrder(sort).field], record.id];
  return Buffer.from(JSON.stringify(position)).toString('base64url');
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
    !position.every((part) => typeof part === 'string')
  ) {
    throw createError('HS_ERR_BAD_CURSOR', { reason: 'not a cursor this api made' });
  }
  const [cursorSort, key, id] = position as [string, string, string];
  if (cursorSort !== sort) {
    throw createError('HS_ERR_BAD_CURSOR', {
      reason: `it continues a list sorted by '${cursorSort}', not '${sort}'`,
    });
  }
  return { key, id };
}
