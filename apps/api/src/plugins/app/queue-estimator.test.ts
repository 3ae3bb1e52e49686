import type { Queues } from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { type FinishedRun, QueueEstimator, secondsPerCompletion } from './queue-estimator.js';

const s = 1000;

/** `count` runs submitted together, `slots` at a time, each taking `runSeconds`. */
function burst(count: number, slots: number, runSeconds: number, submittedAt = 0): FinishedRun[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: submittedAt,
    finishedOn: submittedAt + (Math.floor(i / slots) + 1) * runSeconds * s,
  }));
}

describe('secondsPerCompletion', () => {
  it('is null before any run has finished', () => {
    expect(secondsPerCompletion([])).toBeNull();
    expect(secondsPerCompletion([{ timestamp: 0 }])).toBeNull();
  });

  it('measures one run every 5 s when one slot runs 5 s runs back to back', () => {
    expect(secondsPerCompletion(burst(10, 1, 5))).toBeCloseTo(5, 6);
  });

  it('counts every slot: four slots of 4 s runs complete one a second on average', () => {
    const seconds = secondsPerCompletion(burst(40, 4, 4)) ?? 0;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(2);
  });

  it('does not count idle time between runs as slowness', () => {
    const runs = [0, 100, 200, 300].map((at) => ({ timestamp: at * s, finishedOn: (at + 3) * s }));
    expect(secondsPerCompletion(runs)).toBeCloseTo(3, 6);
  });

  it('follows a change of pace: the newest intervals weigh most', () => {
    const slow = burst(20, 1, 10);
    const fast = burst(20, 1, 1, 200 * s);
    expect(secondsPerCompletion([...slow, ...fast])).toBeLessThan(1.2);
  });
});

describe('QueueEstimator', () => {
  /** The Queues the estimator reads: waiting counts per priority and completed simulations. */
  function queuesWith(waiting: number, completed: FinishedRun[]): Queues {
    const counts = async (priorities: number[]) =>
      Object.fromEntries(priorities.map((p) => [String(p), p === 0 ? waiting : 0]));
    const none = async (priorities: number[]) =>
      Object.fromEntries(priorities.map((p) => [String(p), 0]));
    return {
      queues: {
        'market-data': { getCountsPerPriority: counts },
        simulation: { getCountsPerPriority: none, getJobs: async () => completed },
      },
    } as unknown as Queues;
  }

  it('waits (jobs ahead + 1) measured completions: 9 ahead at 2 s each is 20 s, not 2', async () => {
    const estimator = new QueueEstimator(queuesWith(10, burst(20, 1, 2)));
    expect(await estimator.estimate(0, 1)).toEqual({
      queuePosition: 10,
      estimatedWaitSeconds: 20,
    });
  });

  it('reads the waiting counts once for a burst, counting the jobs it queued since', async () => {
    let reads = 0;
    const queues = queuesWith(10, burst(20, 1, 2));
    const first = queues.queues['market-data'];
    const getCounts = first.getCountsPerPriority.bind(first);
    first.getCountsPerPriority = (priorities: number[]) => {
      reads++;
      return getCounts(priorities);
    };
    const estimator = new QueueEstimator(queues);
    // The read counts the first submit's own job; the next ones are counted by the estimator.
    const positions = [];
    for (let i = 0; i < 4; i++) positions.push((await estimator.estimate(1, 1)).queuePosition);
    expect(positions).toEqual([10, 11, 12, 13]);
    expect(reads).toBe(1);
  });

  it('tells a caller over quota to retry after one completion', async () => {
    const estimator = new QueueEstimator(queuesWith(0, burst(5, 1, 7)));
    expect(await estimator.retryAfterSeconds()).toBe(7);
  });
});
