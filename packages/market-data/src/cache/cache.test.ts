import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { barsOf, rows, sampleData, temporaryDirectory } from '../../test/helpers.js';
import { CacheCorruptError, InvalidSymbolError } from '../errors.js';
import { readCsvFile } from '../formats/csv.js';
import { ALL_TIME } from '../time/ranges.js';
import { MarketDataCache, type SeriesKey } from './cache.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`);
const GOOG: SeriesKey = { source: 'csv', symbol: 'GOOG', timeframe: '1d' };
const minuteBars = (from: number, count: number, price = 100) =>
  barsOf(
    Array.from({ length: count }, (_, i) => [
      from + i * 60_000,
      price,
      price + 1,
      price - 1,
      price,
      i,
    ]),
  );

describe('MarketDataCache', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let cache: MarketDataCache;
  beforeEach(async () => {
    directory = await temporaryDirectory();
    cache = new MarketDataCache({ dataRoot: directory.path });
  });
  afterEach(async () => {
    await cache.close();
    await directory.remove();
  });

  it('stores a series in DATA_ROOT/market-data and reads it back exactly', async () => {
    const goog = await readCsvFile(sampleData('GOOG.csv'));
    const info = await cache.write(GOOG, goog, {
      coverage: ALL_TIME,
      replace: true,
      origin: 'GOOG.csv',
    });
    expect(info).toMatchObject({
      ...GOOG,
      version: 1,
      bars: 2148,
      first: day('2004-08-19'),
      last: day('2013-03-01'),
      coverage: [ALL_TIME],
      origin: 'GOOG.csv',
    });
    const files = await readdir(join(directory.path, 'market-data', 'series', 'csv', 'GOOG', '1d'));
    expect(files.sort()).toEqual([
      expect.stringMatching(/^1-[0-9a-f]{12}\.parquet$/),
      'v0000000001.json',
    ]);
    const read = await cache.read(GOOG);
    expect(rows(read!.bars)).toEqual(rows(goog));
  });

  it('reads a time range, across block boundaries', async () => {
    const start = Date.UTC(2020, 0, 1);
    // 40,000 minutes: three blocks of 16,384 bars.
    await cache.write({ ...GOOG, timeframe: '1m' }, minuteBars(start, 40_000), {
      coverage: ALL_TIME,
    });
    const from = start + 16_000 * 60_000;
    const to = start + 33_000 * 60_000;
    const read = await cache.read({ ...GOOG, timeframe: '1m' }, { from, to });
    expect(read!.bars.length).toBe(17_000);
    expect(read!.bars.time[0]).toBe(from);
    expect(read!.bars.time[16_999]).toBe(to - 60_000);
    expect(read!.bars.volume[0]).toBe(16_000);
  });

  it('answers null for a series it does not hold, and an empty range for one it does', async () => {
    expect(await cache.read(GOOG)).toBeNull();
    expect(await cache.info(GOOG)).toBeNull();
    await cache.write(GOOG, minuteBars(0, 3), { coverage: ALL_TIME });
    expect((await cache.read(GOOG, { from: 1e12, to: 2e12 }))!.bars.length).toBe(0);
  });

  it('merges writes: new bars replace the cached ones in their range, coverage grows', async () => {
    const key = { ...GOOG, source: 'synthetic' };
    await cache.write(key, minuteBars(0, 10, 100), { coverage: { from: 0, to: 600_000 } });
    const info = await cache.write(key, minuteBars(300_000, 10, 200), {
      coverage: { from: 300_000, to: 900_000 },
    });
    expect(info).toMatchObject({ version: 2, bars: 15, coverage: [{ from: 0, to: 900_000 }] });
    const read = await cache.read(key);
    expect(Array.from(read!.bars.open)).toEqual([...Array(5).fill(100), ...Array(10).fill(200)]);
  });

  it('records coverage only up to settledBefore', async () => {
    const info = await cache.write(GOOG, minuteBars(0, 10), {
      coverage: { from: 0, to: 600_000 },
      settledBefore: 420_000,
    });
    expect(info.coverage).toEqual([{ from: 0, to: 420_000 }]);
    expect(info.bars).toBe(10);
  });

  it('keeps the previous version for readers and deletes older ones', async () => {
    for (let i = 0; i < 4; i++) {
      await cache.write(GOOG, minuteBars(i * 600_000, 10), { coverage: { from: 0, to: 1 } });
    }
    const files = await readdir(join(directory.path, 'market-data', 'series', 'csv', 'GOOG', '1d'));
    expect(files.sort()).toEqual([
      expect.stringMatching(/^3-[0-9a-f]{12}\.parquet$/),
      expect.stringMatching(/^4-[0-9a-f]{12}\.parquet$/),
      'v0000000003.json',
      'v0000000004.json',
    ]);
  });

  it('loses no write when many writers in one process race for the same series', async () => {
    const key = { ...GOOG, source: 'synthetic', timeframe: '1m' as const };
    await Promise.all(
      Array.from({ length: 12 }, (_, writer) =>
        cache.write(key, minuteBars(writer * 600_000, 10), {
          coverage: { from: writer * 600_000, to: (writer + 1) * 600_000 },
        }),
      ),
    );
    const read = await cache.read(key);
    expect(read!.info.version).toBe(12);
    expect(read!.bars.length).toBe(120);
    expect(read!.info.coverage).toEqual([{ from: 0, to: 12 * 600_000 }]);
  });

  it('lists every series with its latest version', async () => {
    await cache.write(GOOG, minuteBars(0, 3), { coverage: ALL_TIME });
    await cache.write({ ...GOOG, timeframe: '1w' }, minuteBars(0, 2), { coverage: ALL_TIME });
    await cache.write({ source: 'synthetic', symbol: 'DEMO', timeframe: '1h' }, minuteBars(0, 1), {
      coverage: ALL_TIME,
    });
    const list = await cache.list();
    expect(list.map((info) => [info.source, info.symbol, info.timeframe, info.bars])).toEqual([
      ['csv', 'GOOG', '1d', 3],
      ['csv', 'GOOG', '1w', 2],
      ['synthetic', 'DEMO', '1h', 1],
    ]);
  });

  it('reports a damaged data file instead of returning wrong bars', async () => {
    const info = await cache.write(GOOG, minuteBars(0, 3), { coverage: ALL_TIME });
    const directoryPath = join(directory.path, 'market-data', 'series', 'csv', 'GOOG', '1d');
    const dataFile = (await readdir(directoryPath)).find((name) => name.endsWith('.parquet'))!;
    await writeFile(join(directoryPath, dataFile), 'not parquet');
    expect(info.version).toBe(1);
    await expect(cache.read(GOOG)).rejects.toThrow(CacheCorruptError);
  });

  it('refuses keys that could escape the cache directory', async () => {
    await expect(cache.read({ source: 'csv', symbol: '../ETC', timeframe: '1d' })).rejects.toThrow(
      InvalidSymbolError,
    );
    await expect(cache.read({ source: 'csv', symbol: 'goog', timeframe: '1d' })).rejects.toThrow(
      InvalidSymbolError,
    );
  });

  it('refuses bars out of time order', async () => {
    const unsorted = barsOf([
      [2, 1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1, 0],
    ]);
    await expect(cache.write(GOOG, unsorted, { coverage: ALL_TIME })).rejects.toThrow(
      /strictly increasing/,
    );
  });
});
