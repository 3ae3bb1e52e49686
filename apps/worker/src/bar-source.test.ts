import { describe, expect, it } from 'vitest';
import { requestRange } from './bar-source.js';
import { BacktestInputError } from './failure.js';

describe("requestRange: a backtest's dates as [from, to)", () => {
  it('takes end inclusively: a date its whole day, a date-time that instant', () => {
    expect(requestRange('2013-01-01', '2013-03-01')).toEqual({
      from: Date.UTC(2013, 0, 1),
      to: Date.UTC(2013, 2, 2),
    });
    expect(requestRange('2013-01-01', '2013-03-01T00:00:00Z').to).toBe(Date.UTC(2013, 2, 1) + 1);
  });

  it('fails the backtest on a date the calendar lacks', () => {
    expect(() => requestRange('2013-01-01', '2013-02-30')).toThrow(BacktestInputError);
  });
});
