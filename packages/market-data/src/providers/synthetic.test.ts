import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../bars/synthetic.js';
import { SyntheticProvider } from './synthetic.js';

const provider = new SyntheticProvider();
const range = { from: Date.UTC(2019, 10, 17, 15), to: Date.UTC(2020, 3, 2, 9) };

describe('SyntheticProvider', () => {
  it('generates a long intraday range a month at a time into exactly the one-shot series', async () => {
    const bars = await provider.fetch({ symbol: 'CHUNKS', timeframe: '5m', range });
    const whole = syntheticBars('CHUNKS', { timeframe: '5m', start: range.from, end: range.to });
    expect(bars.length).toBe(whole.length);
    for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(bars[column], column).toEqual(whole[column]);
    }
  });

  it('stops between months once its signal aborts', async () => {
    const controller = new AbortController();
    const fetched = provider.fetch({
      symbol: 'CHUNKS',
      timeframe: '1m',
      range: { from: Date.UTC(2000, 0, 1), to: Date.UTC(2020, 0, 1) },
      signal: controller.signal,
    });
    setImmediate(() => controller.abort(new Error('cancel requested')));
    await expect(fetched).rejects.toThrow('cancel requested');
  });
});
