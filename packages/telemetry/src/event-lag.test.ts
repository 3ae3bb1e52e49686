import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TelemetryError } from './errors.js';
import { observeEventLag } from './event-lag.js';

function histogram() {
  return new Histogram({ name: 'lag_seconds', help: 'test', registers: [new Registry()] });
}

describe('observeEventLag', () => {
  it('observes the seconds since the event was published', async () => {
    const lag = histogram();
    const now = Date.parse('2024-05-01T10:00:00.250Z');
    expect(observeEventLag(lag, '2024-05-01T10:00:00.000Z', now)).toBe(0.25);
    const { values } = await lag.get();
    expect(values.find((v) => v.metricName === 'lag_seconds_sum')?.value).toBe(0.25);
  });

  it('counts an event from a clock running ahead as no lag', () => {
    expect(observeEventLag(histogram(), 2_000, 1_500)).toBe(0);
  });

  it('names an event time it cannot read', () => {
    expect(() => observeEventLag(histogram(), 'soon')).toThrow(
      new TelemetryError('the event time is not a valid time: soon'),
    );
  });
});
