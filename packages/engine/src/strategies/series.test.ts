import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { sma } from '../indicators/index.js';
import { BarsIndicators, computeSeries, seriesKey } from './series.js';

const goog = loadBars('GOOG');

describe('indicator series', () => {
  it('keys a spec by name and parameters, whatever their order', () => {
    expect(seriesKey({ name: 'macd_line', params: { slow: 26, fast: 12, signal: 9 } })).toBe(
      'macd_line(fast=12,signal=9,slow=26)',
    );
    expect(seriesKey({ name: 'bollinger_lower', params: { period: 20, stdDev: 0.1 + 0.2 } })).toBe(
      'bollinger_lower(period=20,stdDev=0.30000000000000004)',
    );
  });

  it('computes a series from its indicator', () => {
    const values = computeSeries(goog, { name: 'sma', params: { period: 10 } });
    expect(Array.from(values)).toEqual(Array.from(sma(goog.close, 10)));
  });

  it('computes a missing series once, and refuses a given one of the wrong length', () => {
    const indicators = new BarsIndicators(goog);
    const spec = { name: 'ema', params: { period: 5 } } as const;
    expect(indicators.series(spec)).toBe(indicators.series(spec));
    expect(indicators.computed).toBe(1);
    expect(() => new BarsIndicators(goog, [[spec, new Float64Array(3)]])).toThrow(
      `ema(period=5) has 3 values for ${goog.length} bars`,
    );
  });

  it('keeps computed series only while they fit in keepBytes', () => {
    const oneSeries = goog.length * 8;
    const indicators = new BarsIndicators(goog, [], { keepBytes: oneSeries });
    const first = { name: 'sma', params: { period: 10 } } as const;
    const second = { name: 'sma', params: { period: 20 } } as const;
    expect(indicators.series(first)).toBe(indicators.series(first));
    const again = indicators.series(second);
    expect(indicators.series(second)).not.toBe(again);
    expect(Array.from(indicators.series(second))).toEqual(Array.from(again));
    expect(indicators.computed).toBe(4);
  });

  it('hands out zeroed flags, one buffer for every run with reuseFlags, a new one otherwise', () => {
    const n = goog.length;
    const own = new BarsIndicators(goog);
    expect(own.flags(n)).not.toBe(own.flags(n));
    const reused = new BarsIndicators(goog, [], { reuseFlags: true });
    const first = reused.flags(n);
    expect(first.length).toBe(4 * n);
    first.fill(1);
    const second = reused.flags(n);
    expect(second).toBe(first);
    expect(second.every((flag) => flag === 0)).toBe(true);
    expect(() => reused.flags(n - 1)).toThrow(
      `flags for ${n - 1} bars asked of a provider of ${n}`,
    );
  });
});
