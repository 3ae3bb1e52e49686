import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { timeOperations } from './timed-operations.js';

class FakeStore {
  readonly #rows = new Map<string, string>();
  readonly label = 'fake';

  async put(id: string, value: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.#rows.set(id, value);
  }

  get(id: string): string | undefined {
    return this.#rows.get(id);
  }

  async broken(): Promise<never> {
    throw new Error('disk full');
  }
}

function setup() {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'op_seconds',
    help: 'test',
    labelNames: ['operation'],
    registers: [registry],
  });
  const stat = async (operation: string, series: 'count' | 'sum') =>
    (await histogram.get()).values.find(
      (v) => v.metricName === `op_seconds_${series}` && v.labels.operation === operation,
    )?.value ?? null;
  return { store: timeOperations(new FakeStore(), histogram), stat };
}

describe('timeOperations', () => {
  it('times async calls until they settle, with private fields still reachable', async () => {
    const { store, stat } = setup();
    await store.put('a', 'x');
    expect(store.get('a')).toBe('x');
    expect(await stat('put', 'count')).toBe(1);
    // put sleeps 20 ms before it resolves; timers may fire a millisecond early.
    expect(await stat('put', 'sum')).toBeGreaterThanOrEqual(0.019);
    expect(await stat('get', 'count')).toBe(1);
  });

  it('times a failed call and passes its error on', async () => {
    const { store, stat } = setup();
    await expect(store.broken()).rejects.toThrow('disk full');
    expect(await stat('broken', 'count')).toBe(1);
  });

  it('leaves properties that are not methods alone', async () => {
    const { store, stat } = setup();
    expect(store.label).toBe('fake');
    expect(await stat('label', 'count')).toBeNull();
  });
});
