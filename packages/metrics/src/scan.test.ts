import { describe, expect, it } from 'vitest';
import { betaFromLogReturns } from './beta.js';
import { MetricsInputError } from './errors.js';
import { scanBars } from './scan.js';

const DAY = 86_400_000;
const days = (n: number, from = Date.parse('2024-01-01T00:00:00Z')) =>
  Float64Array.from({ length: n }, (_, i) => from + i * DAY);
const ones = (n: number) => new Float64Array(n).fill(1);

describe('scanBars drawdown periods', () => {
  it("match backtesting.py's own test_compute_drawdown (dd 0 1 7 0 4 0 0 -> periods 3 and 2)", () => {
    // backtesting.py's test uses dd = [0, 1, 7, 0, 4, 0, 0] and expects durations [3, 2] and
    // peaks [7, 4]; this curve has dd = [0, .1, .7, 0, .4, 0, 0] on daily bars.
    const equity = Float64Array.from([100, 90, 30, 100, 60, 100, 100]);
    const s = scanBars(days(7), equity, ones(7), 'day');
    expect(s.drawdownPeriods).toBe(2);
    expect(s.drawdownDurationSumMs).toBe(5 * DAY);
    expect(s.drawdownMaxDurationMs).toBe(3 * DAY);
    expect(s.drawdownDepthSum).toBeCloseTo(0.7 + 0.4, 15);
    expect(s.maxDrawdown).toBeCloseTo(0.7, 15);
    expect(s.peak).toBe(100);
    expect(s.equitySum).toBe(580);
  });

  it('gives a curve that never falls no drawdown at all', () => {
    const s = scanBars(days(4), Float64Array.from([1, 2, 3, 4]), ones(4), 'day');
    expect([s.drawdownPeriods, s.maxDrawdown, s.lastDrawdown]).toEqual([0, 0, 0]);
  });
});

describe('scanBars calendar', () => {
  it('finds the last bar of each day and counts weekend bars', () => {
    // Fri 09:00, Fri 15:00, Sat 10:00, Mon 09:00, Mon 10:00, Mon 11:00.
    const at = (d: string, h: number) => Date.parse(`${d}T${String(h).padStart(2, '0')}:00:00Z`);
    const time = Float64Array.from([
      at('2024-01-05', 9),
      at('2024-01-05', 15),
      at('2024-01-06', 10),
      at('2024-01-08', 9),
      at('2024-01-08', 10),
      at('2024-01-08', 11),
    ]);
    const s = scanBars(time, ones(6), ones(6), 'day');
    expect(Array.from(s.periodEnds)).toEqual([1, 2, 5]);
    expect(s.weekendBars).toBe(1);
    expect(Array.from(scanBars(time, ones(6), ones(6), 'week').periodEnds)).toEqual([2, 5]);
  });

  it('handles more bars than days spanned and a single bar', () => {
    const time = Float64Array.from({ length: 48 }, (_, i) => i * 1_800_000);
    expect(Array.from(scanBars(time, ones(48), ones(48), 'day').periodEnds)).toEqual([47]);
    expect(Array.from(scanBars(days(1), ones(1), ones(1), 'day').periodEnds)).toEqual([0]);
  });

  it('keeps its state across the 65,536-bar chunks', () => {
    const n = 200_000;
    const time = Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const equity = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 5000) * 10);
    const s = scanBars(time, equity, ones(n), 'day');
    // 200,000 minutes span 139 days (138.9, starting at midnight).
    expect(s.periodEnds.length).toBe(139);
    expect(s.periodEnds[0]).toBe(1439);
    let sum = 0;
    let peak = Number.NEGATIVE_INFINITY;
    for (const e of equity) {
      sum += e;
      peak = Math.max(peak, e);
    }
    expect(s.peak).toBe(peak);
    expect(s.equitySum).toBeCloseTo(sum, 6);
  });
});

describe('beta from the scanned log returns', () => {
  it('is 2 when every log return of equity is twice the benchmark one', () => {
    const close = Float64Array.from([100, 101, 99, 103, 102]);
    const equity = close.map((c) => (c / 100) ** 2 * 1000);
    expect(betaFromLogReturns(scanBars(days(5), equity, close, 'day').logReturns)).toBeCloseTo(
      2,
      12,
    );
  });

  it('is null with a benchmark that never moves or fewer than two returns', () => {
    const equity = Float64Array.from([1, 2, 3]);
    expect(betaFromLogReturns(scanBars(days(3), equity, ones(3), 'day').logReturns)).toBeNull();
    const two = Float64Array.from([1, 2]);
    expect(betaFromLogReturns(scanBars(days(2), two, two, 'day').logReturns)).toBeNull();
  });
});

describe('scanBars validation', () => {
  it.each([
    ['a repeated timestamp', Float64Array.from([0, DAY, DAY]), ones(3), ones(3), /time\[2\]/],
    [
      'an infinite last time',
      Float64Array.from([0, Number.POSITIVE_INFINITY]),
      ones(2),
      ones(2),
      /time\[1\] = Infinity/,
    ],
    [
      'infinite equity',
      days(3),
      Float64Array.from([1, Number.POSITIVE_INFINITY, 1]),
      ones(3),
      /equity\[1\]/,
    ],
    ['a negative close', days(3), ones(3), Float64Array.from([1, 1, -1]), /close\[2\] = -1/],
  ] as const)('rejects %s', (_, time, equity, close, message) => {
    expect(() => scanBars(time, equity, close, 'day')).toThrow(message);
    expect(() => scanBars(time, equity, close, 'day')).toThrow(MetricsInputError);
  });
});
