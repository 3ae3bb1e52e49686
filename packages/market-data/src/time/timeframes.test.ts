import { describe, expect, it } from 'vitest';
import { InvalidTimeframeError } from '../errors.js';
import { bucketStart, canResample, parseTimeframe } from './timeframes.js';

describe('timeframes', () => {
  it.each([
    ['1m', '2020-01-02T14:37:45Z', '2020-01-02T14:37:00Z'],
    ['5m', '2020-01-02T14:37:45Z', '2020-01-02T14:35:00Z'],
    ['15m', '2020-01-02T14:37:45Z', '2020-01-02T14:30:00Z'],
    ['1h', '2020-01-02T14:37:45Z', '2020-01-02T14:00:00Z'],
    ['1d', '2020-01-02T14:37:45Z', '2020-01-02T00:00:00Z'],
    // 2020-01-02 was a Thursday; its week began on Monday 2019-12-30.
    ['1w', '2020-01-02T14:37:45Z', '2019-12-30T00:00:00Z'],
    ['1w', '2019-12-30T00:00:00Z', '2019-12-30T00:00:00Z'],
    ['1w', '2020-01-05T23:59:59Z', '2019-12-30T00:00:00Z'],
    // 1969-12-29 was a Monday: weeks before 1970 line up too.
    ['1w', '1969-12-31T12:00:00Z', '1969-12-29T00:00:00Z'],
  ] as const)('puts %s bar of %s in the bucket starting %s', (timeframe, time, start) => {
    expect(bucketStart(Date.parse(time), timeframe)).toBe(Date.parse(start));
  });

  it('resamples only to equal or coarser timeframes', () => {
    expect(canResample('1m', '1h')).toBe(true);
    expect(canResample('1d', '1d')).toBe(true);
    expect(canResample('1d', '1h')).toBe(false);
  });

  it('parses the listed names and rejects others with the list', () => {
    expect(parseTimeframe('15m')).toBe('15m');
    expect(() => parseTimeframe('1M')).toThrow(InvalidTimeframeError);
    expect(() => parseTimeframe('1M')).toThrow(
      "invalid timeframe '1M' (expected one of 1m, 5m, 15m, 1h, 1d, 1w)",
    );
  });
});
