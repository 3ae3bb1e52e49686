import type { Clock } from '../src/providers/clock.js';

/** A clock whose sleeps return at once and move its time forward, recording each wait. */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public time = 0) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }
}
