import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TelemetryError } from './errors.js';
import { type QueueJobCounts, queueDepthCollector } from './queue-depth.js';
import { sampleValue, scrape } from './test-support.js';

/** A collector over a fake clock and a counted, scriptable read. */
function setup(answers: (() => Promise<QueueJobCounts>)[], options = {}) {
  const registry = new Registry();
  const clock = { now: 1_000_000 };
  const errors: Error[] = [];
  let reads = 0;
  queueDepthCollector(
    registry,
    () => {
      const answer = answers[Math.min(reads, answers.length - 1)] as () => Promise<QueueJobCounts>;
      reads += 1;
      return answer();
    },
    { now: () => clock.now, onError: (error) => errors.push(error), ...options },
  );
  return { registry, clock, errors, reads: () => reads };
}

const COUNTS: QueueJobCounts = {
  simulation: { waiting: 0, prioritized: 12, active: 6, delayed: 1, completed: 340, failed: 2 },
  'market-data': { waiting: 3, 'waiting-children': 0, active: 1 },
};

describe('queueDepthCollector', () => {
  it('exports each queue and state as read', async () => {
    const { registry } = setup([async () => COUNTS]);
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'queue_jobs', { queue: 'simulation', state: 'prioritized' })).toBe(
      12,
    );
    expect(sampleValue(samples, 'queue_jobs', { queue: 'simulation', state: 'completed' })).toBe(
      340,
    );
    expect(sampleValue(samples, 'queue_jobs', { queue: 'market-data', state: 'waiting' })).toBe(3);
    expect(samples.filter((sample) => sample.name === 'queue_jobs')).toHaveLength(9);
    expect(sampleValue(samples, 'queue_jobs_read_errors_total')).toBe(0);
  });

  it('reads Redis at most once per interval however often it is scraped', async () => {
    const second: QueueJobCounts = { simulation: { waiting: 5 } };
    const { registry, clock, reads } = setup([async () => COUNTS, async () => second], {
      minIntervalMs: 5_000,
    });
    await scrape(registry);
    clock.now += 4_999;
    const cached = await scrape(registry);
    expect(reads()).toBe(1);
    expect(sampleValue(cached, 'queue_jobs', { queue: 'simulation', state: 'prioritized' })).toBe(
      12,
    );
    clock.now += 1;
    const fresh = await scrape(registry);
    expect(reads()).toBe(2);
    // The new read replaces the old one whole: states it no longer lists disappear.
    expect(sampleValue(fresh, 'queue_jobs', { queue: 'simulation', state: 'waiting' })).toBe(5);
    expect(
      sampleValue(fresh, 'queue_jobs', { queue: 'simulation', state: 'prioritized' }),
    ).toBeNull();
  });

  it('shares one read among concurrent scrapes', async () => {
    let release: (counts: QueueJobCounts) => void = () => {};
    const { registry, reads } = setup([
      () =>
        new Promise<QueueJobCounts>((resolve) => {
          release = resolve;
        }),
    ]);
    const scrapes = [scrape(registry), scrape(registry), scrape(registry)];
    await new Promise((resolve) => setImmediate(resolve));
    release(COUNTS);
    const results = await Promise.all(scrapes);
    expect(reads()).toBe(1);
    for (const samples of results) {
      expect(sampleValue(samples, 'queue_jobs', { queue: 'simulation', state: 'active' })).toBe(6);
    }
  });

  it('drops the series and counts an error when a read fails, and retries after the interval', async () => {
    const { registry, clock, errors } = setup(
      [async () => COUNTS, () => Promise.reject(new Error('ECONNREFUSED')), async () => COUNTS],
      { minIntervalMs: 1_000 },
    );
    await scrape(registry);
    clock.now += 1_000;
    const failed = await scrape(registry);
    expect(failed.filter((sample) => sample.name === 'queue_jobs')).toEqual([]);
    expect(sampleValue(failed, 'queue_jobs_read_errors_total')).toBe(1);
    expect(errors.map((error) => error.message)).toEqual(['ECONNREFUSED']);
    clock.now += 1_000;
    const recovered = await scrape(registry);
    expect(sampleValue(recovered, 'queue_jobs', { queue: 'simulation', state: 'active' })).toBe(6);
  });

  it('gives up on a read slower than the timeout without failing the scrape', async () => {
    const { registry, errors } = setup([() => new Promise<QueueJobCounts>(() => {})], {
      timeoutMs: 20,
    });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'queue_jobs_read_errors_total')).toBe(1);
    expect(errors).toEqual([new TelemetryError('reading queue job counts took longer than 20 ms')]);
  });

  it('names the bad entry of malformed counts', async () => {
    const bad: [unknown, string][] = [
      [{ simulation: { paused: 1 } }, 'queue "simulation": unknown state "paused"'],
      [{ simulation: { waiting: -1 } }, 'queue "simulation" state "waiting": count must be'],
      [{ simulation: { waiting: 1.5 } }, 'got 1.5'],
      [{ simulation: 3 }, 'queue "simulation": counts must be an object by state'],
      [null, 'queue job counts must be an object by queue name'],
    ];
    for (const [counts, message] of bad) {
      const { registry, errors } = setup([async () => counts as QueueJobCounts]);
      const samples = await scrape(registry);
      expect(sampleValue(samples, 'queue_jobs_read_errors_total'), message).toBe(1);
      expect(errors[0]?.message, message).toContain(message);
    }
  });

  it('rejects a negative interval', () => {
    expect(() =>
      queueDepthCollector(new Registry(), async () => ({}), { minIntervalMs: -1 }),
    ).toThrow(new TelemetryError('minIntervalMs must be a number of milliseconds >= 0, got -1'));
  });
});
