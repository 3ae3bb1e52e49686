import type { Histogram } from 'prom-client';
import { epochMs, type Timestamp } from './timestamp.js';

/**
 * Observes how long ago an event was published (its `ts`). A lag below zero - the worker's
 * clock a little ahead of the api's - counts as zero rather than corrupting the histogram's sum.
 * @returns the observed lag in seconds.
 */
export function observeEventLag(
  histogram: Histogram<never>,
  publishedAt: Timestamp,
  now: number = Date.now(),
): number {
  const lag = Math.max(0, now - epochMs(publishedAt, 'the event time')) / 1_000;
  histogram.observe(lag);
  return lag;
}
