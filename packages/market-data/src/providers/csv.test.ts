import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, sampleData, temporaryDirectory } from '../../test/helpers.js';
import { MarketDataCache } from '../cache/cache.js';
import { CsvImportError, ParquetImportError, SymbolNotCachedError } from '../errors.js';
import { readCsvFile } from '../formats/csv.js';
import { ALL_TIME } from '../time/ranges.js';
import { CsvProvider, importFile } from './csv.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

describe('importFile', () => {
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

  const seriesFiles = () =>
    readdir(join(directory.path, 'market-data', 'series', 'csv', 'GOOG', '1d')).then((names) =>
      names.sort(),
    );

  it('imports a CSV file as a symbol covering all time, with its quality report', async () => {
    const { info, quality } = await importFile(cache, {
      path: sampleData('GOOG.csv'),
      symbol: 'GOOG',
      timeframe: '1d',
    });
    expect(info).toMatchObject({
      source: 'csv',
      symbol: 'GOOG',
      bars: 2148,
      origin: 'GOOG.csv',
      coverage: [ALL_TIME],
    });
    expect(quality.bars).toBe(2148);
    const cached = await cache.read({ source: 'csv', symbol: 'GOOG', timeframe: '1d' });
    expect(rows(cached!.bars)).toEqual(rows(await readCsvFile(sampleData('GOOG.csv'))));
  });

  it('leaves the cache exactly as it was when a file is bad', async () => {
    await importFile(cache, { path: sampleData('GOOG.csv'), symbol: 'GOOG', timeframe: '1d' });
    const before = await seriesFiles();
    const bad = join(directory.path, 'GOOG.csv');
    await writeFile(
      bad,
      'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,9,11,10,5\n',
    );
    await expect(importFile(cache, { path: bad, symbol: 'GOOG', timeframe: '1d' })).rejects.toThrow(
      new CsvImportError('GOOG.csv', 3, 'high 9 is below low 11'),
    );
    expect(await seriesFiles()).toEqual(before);
    expect((await cache.info({ source: 'csv', symbol: 'GOOG', timeframe: '1d' }))!.bars).toBe(2148);
  });

  it('replaces a symbol on re-import', async () => {
    await importFile(cache, { path: sampleData('GOOG.csv'), symbol: 'GOOG', timeframe: '1d' });
    const { info } = await importFile(cache, {
      path: sampleData('BTCUSD.csv'),
      symbol: 'GOOG',
      timeframe: '1d',
    });
    expect(info).toMatchObject({ version: 2, bars: 156, origin: 'BTCUSD.csv' });
  });

  describe('Parquet files', () => {
    async function writeParquet(name: string, select: string): Promise<string> {
      const path = join(directory.path, name);
      const connection = await (await DuckDBInstance.create(':memory:')).connect();
      await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
      connection.closeSync();
      return path;
    }

    it('imports what pandas writes: an index column of timestamps', async () => {
      const path = await writeParquet(
        'prices.parquet',
        `SELECT TIMESTAMP '2020-01-02' + INTERVAL (i) DAY AS __index_level_0__,
                10.0 + i AS Open, 11.0 + i AS High, 9.0 + i AS Low, 10.5 + i AS Close, 100 * i AS Volume
         FROM range(3) t(i)`,
      );
      const { info } = await importFile(cache, { path, symbol: 'PQ', timeframe: '1d' });
      expect(info.bars).toBe(3);
      const cached = await cache.read({ source: 'csv', symbol: 'PQ', timeframe: '1d' });
      expect(rows(cached!.bars)).toEqual([
        [day('2020-01-02'), 10, 11, 9, 10.5, 0],
        [day('2020-01-03'), 11, 12, 10, 11.5, 100],
        [day('2020-01-04'), 12, 13, 11, 12.5, 200],
      ]);
    });

    it('reads instants, epoch milliseconds and wall-clock times in a zone', async () => {
      const epoch = await writeParquet(
        'epoch.parquet',
        `SELECT 1577975400000 AS time, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.5 AS close, 1 AS volume`,
      );
      const wall = await writeParquet(
        'wall.parquet',
        `SELECT TIMESTAMP '2020-01-02 09:30:00' AS date, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.5 AS close`,
      );
      const a = await importFile(cache, { path: epoch, symbol: 'EPOCH', timeframe: '1m' });
      const b = await importFile(cache, {
        path: wall,
        symbol: 'WALL',
        timeframe: '1m',
        timezone: 'America/New_York',
      });
      // 1577975400000 ms is 2020-01-02 14:30 UTC; 09:30 in New York in January (EST, UTC-5) too.
      expect(a.info.first).toBe(Date.UTC(2020, 0, 2, 14, 30));
      expect(b.info.first).toBe(Date.UTC(2020, 0, 2, 14, 30));
    });

    it('names the file and row of a bad bar', async () => {
      const path = await writeParquet(
        'bad.parquet',
        `SELECT DATE '2020-01-02' + i::INTEGER AS date, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.5 AS close,
                CASE WHEN i = 1 THEN -5 ELSE 5 END AS volume
         FROM range(3) t(i)`,
      );
      await expect(importFile(cache, { path, symbol: 'BAD', timeframe: '1d' })).rejects.toThrow(
        new ParquetImportError('bad.parquet', 2, 'volume -5 is negative'),
      );
      expect(await cache.list()).toEqual([]);
    });

    it('names a file that is not Parquet', async () => {
      const path = join(directory.path, 'fake.parquet');
      await writeFile(path, 'not parquet at all');
      await expect(importFile(cache, { path, symbol: 'FAKE', timeframe: '1d' })).rejects.toThrow(
        /^fake\.parquet: not a readable Parquet file/,
      );
    });
  });
});

describe('CsvProvider', () => {
  it('can only say that a symbol was never imported', async () => {
    await expect(
      new CsvProvider().fetch({ symbol: 'AAPL', timeframe: '1d', range: ALL_TIME }),
    ).rejects.toThrow(new SymbolNotCachedError('AAPL', '1d'));
  });
});
