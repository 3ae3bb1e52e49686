import { describe, expect, it } from 'vitest';
import type { BacktestRecord } from '../schemas/backtest-record.js';
import { cursorAfter, decodeCursor, sortOrder } from './cursor.js';

const record = {
  id: '01hx0000000000000000000000',
  name: 'a name',
  status: 'queued',
  createdAt: '2024-01-01T00:00:00.000Z',
} as BacktestRecord;

describe('cursors', () => {
  it('round-trip the sort value and id of the last item', () => {
    expect(decodeCursor(cursorAfter(record, 'name'), 'name')).toEqual({
      key: 'a name',
      id: record.id,
    });
    expect(decodeCursor(cursorAfter(record, '-createdAt'), '-createdAt')).toEqual({
      key: record.createdAt,
      id: record.id,
    });
  });

  it('refuse a cursor of another sort', () => {
    expect(() => decodeCursor(cursorAfter(record, 'name'), 'status')).toThrow(
      "invalid pagination cursor: it continues a list sorted by 'name', not 'status'",
    );
  });

  it.each(['garbage', Buffer.from('[1,2,3]').toString('base64url'), ''])(
    'refuse %j with HS_ERR_BAD_CURSOR',
    (cursor) => {
      expect(() => decodeCursor(cursor, 'name')).toThrow(
        expect.objectContaining({ code: 'HS_ERR_BAD_CURSOR', statusCode: 400 }),
      );
    },
  );

  it('read the direction from the sort', () => {
    expect(sortOrder('-createdAt')).toEqual({ field: 'createdAt', descending: true });
    expect(sortOrder('status')).toEqual({ field: 'status', descending: false });
  });
});
