import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from './progress-throttle.js';

describe('ProgressThrottle', () => {
  it('lets one report through per interval', () => {
    let now = 0;
    const throttle = new ProgressThrottle(100, () => now);
    const passed: number[] = [];
    // A report every 7 ms for one second: 143 offers.
    for (now = 0; now <= 1000; now += 7) if (throttle.ready()) passed.push(now);
    // The first multiple of 7 at least 100 ms after the start, then after the previous one:
    // 105, 210, 315, 420, 525, 630, 735, 840, 945 (each 15 * 7 after the previous one).
    expect(passed).toEqual([105, 210, 315, 420, 525, 630, 735, 840, 945]);
  });

  it('lets nothing through in the first interval, so a short run reports no progress', () => {
    let now = 1_000;
    const throttle = new ProgressThrottle(100, () => now);
    expect(throttle.ready()).toBe(false);
    now += 99;
    expect(throttle.ready()).toBe(false);
    now += 1;
    expect(throttle.ready()).toBe(true);
  });

  it('passes a report after a pause at once', () => {
    let now = 0;
    const throttle = new ProgressThrottle(100, () => now);
    now = 5_000;
    expect(throttle.ready()).toBe(true);
    now += 99;
    expect(throttle.ready()).toBe(false);
  });
});
