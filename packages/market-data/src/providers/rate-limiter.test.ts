import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../test/virtual-clock.js';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('lets `limit` calls through in any window, in the order they asked', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(2, 1_000, clock);
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => started.push(clock.now()))),
    );
    // By hand: calls at 0 and 0 fill the window; the third waits until the first is 1,000 old.
    expect(started).toEqual([0, 0, 1_000, 1_000, 2_000]);
  });

  it('stops waiting when the caller gives up', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(1, 1_000, clock);
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('cancelled');
    await expect(limiter.acquire()).resolves.toBeUndefined();
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new RateLimiter(0, 1_000, new VirtualClock())).toThrow(RangeError);
  });
});
