import { createError, type SweepRecord } from '@hindsight/models';

/** Where a page of sweeps (newest first, id breaking ties) ends: opaque to clients. */
export interface SweepCursor {
  createdAt: string;
  id: string;
}

export function sweepCursorAfter(record: SweepRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.id])).toString('base64url');
}

/** @throws HS_ERR_BAD_CURSOR for anything sweepCursorAfter did not make. */
export function decodeSweepCursor(cursor: string): SweepCursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the coded error below.
  }
  throw createError('HS_ERR_BAD_CURSOR', { reason: 'not a cursor of this list' });
}
