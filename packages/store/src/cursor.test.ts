import type { BacktestRecord } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
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

  it('carry a statistic as a number, or null for a run without one', () => {
    const completed = { ...record, summary: { returnPct: 4.5 } } as BacktestRecord;
    expect(decodeCursor(cursorAfter(completed, '-returnPct'), '-returnPct')).toEqual({
      key: 4.5,
      id: record.id,
    });
    const waiting = { ...record, summary: null } as BacktestRecord;
    expect(decodeCursor(cursorAfter(waiting, 'returnPct'), 'returnPct')).toEqual({
      key: null,
      id: record.id,
    });
    const forged = Buffer.from(JSON.stringify(['returnPct', 'x', record.id])).toString('base64url');
    expect(() => decodeCursor(forged, 'returnPct')).toThrow('not a cursor this api made');
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
