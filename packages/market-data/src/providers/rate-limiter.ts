import type { Clock } from './clock.js';

/**
 * At most `limit` calls in any `windowMs` (a sliding window, which is how Alpha Vantage counts
 * "calls per minute"). Callers queue in order; each waits until the oldest call in the window is
 * `windowMs` old.
 */
export class RateLimiter {
  private readonly calls: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    if (!(Number.isInteger(limit) && limit > 0)) {
      throw new RangeError(`calls per window must be a positive integer, got ${limit}`);
    }
  }

  /** Resolves when a call may start, and counts it. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.wait(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      while (this.calls.length > 0 && this.calls[0]! <= now - this.windowMs) this.calls.shift();
      if (this.calls.length < this.limit) {
        this.calls.push(now);
        return;
      }
      await this.clock.sleep(this.calls[0]! + this.windowMs - now, signal);
    }
  }
}
