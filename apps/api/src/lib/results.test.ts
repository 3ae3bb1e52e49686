import { describe, expect, it } from 'vitest';
import { tradesCsv } from './results.js';

const trade = {
  symbol: 'BRK,B',
  size: 10,
  entryBar: 3,
  exitBar: 8,
  entryTime: '2020-01-06T00:00:00.000Z',
  exitTime: '2020-01-13T00:00:00.000Z',
  entryPrice: 100,
  exitPrice: 110,
  pnl: 99.5,
  commission: 0.5,
  returnPct: 9.95,
  exitReason: 'signal' as const,
};

describe('tradesCsv', () => {
  it('writes a header, closed then open trades in the units of the JSON, CRLF lines and RFC 4180 quoting', () => {
    const csv = tradesCsv({
      trades: [trade],
      openTrades: [{ ...trade, exitReason: 'end_of_data' }],
    });
    expect(csv.split('\r\n')).toEqual([
      'symbol,status,size,entryBar,exitBar,entryTime,exitTime,entryPrice,exitPrice,pnl,commission,returnPct,exitReason',
      '"BRK,B",closed,10,3,8,2020-01-06T00:00:00.000Z,2020-01-13T00:00:00.000Z,100,110,99.5,0.5,9.95,signal',
      '"BRK,B",open,10,3,8,2020-01-06T00:00:00.000Z,2020-01-13T00:00:00.000Z,100,110,99.5,0.5,9.95,end_of_data',
      '',
    ]);
  });

  it('is the header alone for no trades', () => {
    expect(tradesCsv({ trades: [], openTrades: [] }).split('\r\n')).toHaveLength(2);
  });
});
