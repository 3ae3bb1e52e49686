import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, sampleData, temporaryDirectory } from '../test/helpers.js';
import { resampleBars } from './bars/resample.js';
import { syntheticBars } from './bars/synthetic.js';
import { MarketDataCache } from './cache/cache.js';
import { InvalidRangeError, SymbolNotCachedError, UnknownSourceError } from './errors.js';
import { loadBars } from './load.js';
import { importFile } from './providers/csv.js';
import { createProviders } from './providers/index.js';
import type { FetchRequest, Provider } from './providers/provider.js';
import { SyntheticProvider } from './providers/synthetic.js';
import type { TimeRange } from './time/ranges.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

/** The synthetic provider, recording what it is asked for and settling at `settled`. */
class RecordingProvider extends SyntheticProvider {
  readonly fetched: TimeRange[] = [];
  settled = Number.POSITIVE_INFINITY;

  override async fetch(request: FetchRequest) {
    this.fetched.push(request.range);
    return super.fetch(request);
  }

  override settledBefore(): number {
    return this.settled;
  }
}

describe('loadBars', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let cache: MarketDataCache;
  let synthetic: RecordingProvider;
  let providers: Map<string, Provider>;
  beforeEach(async () => {
    directory = await temporaryDirectory();
    cache = new MarketDataCache({ dataRoot: directory.path });
    synthetic = new RecordingProvider();
    providers = new Map(createProviders());
    providers.set('synthetic', synthetic);
  });
  afterEach(async () => {
    await cache.close();
    await directory.remove();
  });

  it('fetches a missing series once, then serves it from the cache', async () => {
    const request = { cache, providers, symbol: 'synthetic:demo', timeframe: '1d' as const };
    const first = await loadBars(request);
    const second = await loadBars(request);
    expect(first).toMatchObject({
      source: 'synthetic',
      symbol: 'synthetic:DEMO',
      fromCache: false,
    });
    expect(second.fromCache).toBe(true);
    // The synthetic default daily span: 2015-01-01 to 2025-01-01.
    expect(synthetic.fetched).toEqual([{ from: day('2015-01-01'), to: day('2025-01-01') }]);
    expect(rows(second.bars)).toEqual(rows(first.bars));
    expect(rows(first.bars)).toEqual(
      rows(
        syntheticBars('DEMO', {
          timeframe: '1d',
          start: day('2015-01-01'),
          end: day('2025-01-01'),
        }),
      ),
    );
    expect(first.quality).toMatchObject({ bars: first.bars.length, timeframe: '1d' });
  });

  it('fetches only what the cache lacks when a range grows', async () => {
    const load = (from: string, to: string) =>
      loadBars({
        cache,
        providers,
        symbol: 'synthetic:GROW',
        timeframe: '1h',
        from: day(from),
        to: day(to),
      });
    await load('2021-02-01', '2021-03-01');
    const wider = await load('2021-01-01', '2021-04-01');
    expect(synthetic.fetched).toEqual([
      { from: day('2021-02-01'), to: day('2021-03-01') },
      { from: day('2021-01-01'), to: day('2021-02-01') },
      { from: day('2021-03-01'), to: day('2021-04-01') },
    ]);
    expect(rows(wider.bars)).toEqual(
      rows(
        syntheticBars('GROW', {
          timeframe: '1h',
          start: day('2021-01-01'),
          end: day('2021-04-01'),
        }),
      ),
    );
    const inside = await load('2021-01-15', '2021-03-15');
    expect(inside.fromCache).toBe(true);
    expect(synthetic.fetched).toHaveLength(3);
  });

  it('fetches the unsettled tail again on the next load', async () => {
    synthetic.settled = day('2021-01-20');
    const load = () =>
      loadBars({
        cache,
        providers,
        symbol: 'synthetic:TAIL',
        timeframe: '1d',
        from: day('2021-01-01'),
        to: day('2021-02-01'),
      });
    await load();
    const again = await load();
    expect(again.fromCache).toBe(false);
    expect(synthetic.fetched).toEqual([
      { from: day('2021-01-01'), to: day('2021-02-01') },
      { from: day('2021-01-20'), to: day('2021-02-01') },
    ]);
  });

  it('serves imported symbols, and resamples them from a finer timeframe', async () => {
    await importFile(cache, { path: sampleData('EURUSD.csv'), symbol: 'EURUSD', timeframe: '1h' });
    const hourly = await loadBars({ cache, providers, symbol: 'eurusd', timeframe: '1h' });
    expect(hourly).toMatchObject({ source: 'csv', symbol: 'EURUSD', fromCache: true });
    expect(hourly.bars.length).toBe(5000);
    const daily = await loadBars({ cache, providers, symbol: 'EURUSD', timeframe: '1d' });
    expect(rows(daily.bars)).toEqual(rows(resampleBars(hourly.bars, '1h', '1d')));
    const slice = await loadBars({
      cache,
      providers,
      symbol: 'EURUSD',
      timeframe: '1d',
      from: day('2017-05-01'),
      to: day('2017-05-08'),
    });
    expect(Array.from(slice.bars.time)).toEqual(
      ['2017-05-01', '2017-05-02', '2017-05-03', '2017-05-04', '2017-05-05', '2017-05-07'].map(day),
    );
  });

  it('names what is wrong with a request', async () => {
    await expect(loadBars({ cache, providers, symbol: 'AAPL', timeframe: '1d' })).rejects.toThrow(
      new SymbolNotCachedError('AAPL', '1d'),
    );
    await expect(
      loadBars({ cache, providers, symbol: 'yahoo:AAPL', timeframe: '1d' }),
    ).rejects.toThrow(UnknownSourceError);
    await expect(
      loadBars({
        cache,
        providers,
        symbol: 'synthetic:X',
        timeframe: '1d',
        from: day('2021-02-01'),
        to: day('2021-01-01'),
      }),
    ).rejects.toThrow(InvalidRangeError);
  });

  it('fills an open end from the default span', async () => {
    const loaded = await loadBars({
      cache,
      providers,
      symbol: 'synthetic:OPEN',
      timeframe: '1d',
      from: day('2024-06-03'),
    });
    // Default daily span ends 2025-01-01.
    expect(synthetic.fetched).toEqual([{ from: day('2024-06-03'), to: day('2025-01-01') }]);
    expect(loaded.bars.time[0]).toBe(day('2024-06-03'));
  });
});
