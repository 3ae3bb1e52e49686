import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { barsOf, temporaryDirectory } from '../../../test/helpers.js';
import { writeBarsFile } from './bars-file.js';

// Ten bars, one a minute from 2020-01-02 14:00 UTC, with distinct values in every column.
const start = Date.UTC(2020, 0, 2, 14);
const sample = barsOf(
  Array.from({ length: 10 }, (_, i) => [
    start + i * 60_000,
    100 + i,
    101 + i,
    99 + i,
    100.5 + i,
    1000 * i,
  ]),
);

describe('writeBarsFile', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let duck: Awaited<ReturnType<DuckDBInstance['connect']>>;
  beforeEach(async () => {
    directory = await temporaryDirectory();
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterEach(async () => {
    duck.closeSync();
    await directory.remove();
  });

  it('writes Parquet that DuckDB reads back bar for bar, in blocks', async () => {
    const path = join(directory.path, 'bars.parquet');
    await writeBarsFile(path, sample, { blockSize: 4 });
    const blocks = await duck.runAndReadAll(
      `SELECT epoch_ms(first_time), epoch_ms(last_time), bars FROM read_parquet('${path}')`,
    );
    // 10 bars in blocks of 4: 4 + 4 + 2.
    expect(blocks.getRowsJS()).toEqual([
      [BigInt(start), BigInt(start + 3 * 60_000), 4],
      [BigInt(start + 4 * 60_000), BigInt(start + 7 * 60_000), 4],
      [BigInt(start + 8 * 60_000), BigInt(start + 9 * 60_000), 2],
    ]);
    const bars = await duck.runAndReadAll(
      `SELECT unnest(time), unnest(open), unnest(high), unnest(low), unnest(close), unnest(volume)
       FROM read_parquet('${path}')`,
    );
    expect(bars.getRowsJS()).toEqual(
      Array.from({ length: 10 }, (_, i) => [
        start + i * 60_000,
        100 + i,
        101 + i,
        99 + i,
        100.5 + i,
        1000 * i,
      ]),
    );
  });

  it('declares the schema SQL sees: timestamps for the block bounds, DOUBLE lists for bars', async () => {
    const path = join(directory.path, 'bars.parquet');
    await writeBarsFile(path, sample);
    const schema = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    expect(schema.getRowsJS().map((row) => [row[0], row[1]])).toEqual([
      ['first_time', 'TIMESTAMP'],
      ['last_time', 'TIMESTAMP'],
      ['bars', 'INTEGER'],
      ['time', 'DOUBLE[]'],
      ['open', 'DOUBLE[]'],
      ['high', 'DOUBLE[]'],
      ['low', 'DOUBLE[]'],
      ['close', 'DOUBLE[]'],
      ['volume', 'DOUBLE[]'],
    ]);
  });

  it('gives each block a row group with min/max statistics, so ranges skip blocks', async () => {
    const path = join(directory.path, 'bars.parquet');
    await writeBarsFile(path, sample, { blockSize: 4 });
    const groups = await duck.runAndReadAll(
      `SELECT row_group_id, stats_min_value, stats_max_value FROM parquet_metadata('${path}')
       WHERE path_in_schema = 'first_time' ORDER BY row_group_id`,
    );
    expect(groups.getRowsJS()).toEqual([
      [0n, '2020-01-02 14:00:00', '2020-01-02 14:00:00'],
      [1n, '2020-01-02 14:04:00', '2020-01-02 14:04:00'],
      [2n, '2020-01-02 14:08:00', '2020-01-02 14:08:00'],
    ]);
  });

  it('stores key-value metadata', async () => {
    const path = join(directory.path, 'bars.parquet');
    await writeBarsFile(path, sample, { metadata: { 'hindsight.series': '{"symbol":"X"}' } });
    const metadata = await duck.runAndReadAll(
      `SELECT decode(key), decode(value) FROM parquet_kv_metadata('${path}')`,
    );
    expect(metadata.getRowsJS()).toEqual([['hindsight.series', '{"symbol":"X"}']]);
  });

  it('writes an empty series as a valid file with no rows', async () => {
    const path = join(directory.path, 'empty.parquet');
    await writeBarsFile(path, barsOf([]));
    const count = await duck.runAndReadAll(`SELECT count(*) FROM read_parquet('${path}')`);
    expect(count.getRowsJS()).toEqual([[0n]]);
  });

  it('never overwrites a file', async () => {
    const path = join(directory.path, 'bars.parquet');
    await writeBarsFile(path, sample);
    await expect(writeBarsFile(path, sample)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
