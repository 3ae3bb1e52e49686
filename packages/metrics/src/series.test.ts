import { describe, expect, it } from 'vitest';
import { equityAndDrawdown } from './series.js';

describe('equityAndDrawdown', () => {
  it('gives -dd x100 per bar, 0 at each new high', () => {
    // peaks 100 120 120 120 130; dd 0 0 .25 1/12 0.
    const time = Float64Array.from([1, 2, 3, 4, 5]);
    const equity = Float64Array.from([100, 120, 90, 110, 130]);
    const out = equityAndDrawdown(time, equity);
    expect(out.time).toBe(time);
    expect(out.equity).toBe(equity);
    expect(out.drawdownPct[2]).toBeCloseTo(-25, 13);
    expect(out.drawdownPct[3]).toBeCloseTo(-100 / 12, 13);
    expect([out.drawdownPct[0], out.drawdownPct[1], out.drawdownPct[4]]).toEqual([0, 0, 0]);
    expect(Object.is(out.drawdownPct[0], 0)).toBe(true);
  });

  it('rejects mismatched lengths', () => {
    expect(() => equityAndDrawdown(new Float64Array(2), new Float64Array(3))).toThrow(
      /equal lengths/,
    );
  });
});
