import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBListVector,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  DuckDBTypeId,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { Bars } from '@hindsight/engine';
import { barsWithin } from '../bars/slice.js';
import { CacheCorruptError } from '../errors.js';
import { ALL_TIME, type TimeRange } from '../time/ranges.js';
import { BARS_FILE_LIST_COLUMNS } from './parquet/bars-file.js';

const LIST_COLUMNS = BARS_FILE_LIST_COLUMNS.join(', ');

/**
 * One in-memory DuckDB instance per process, through which every cache file is read. Statements
 * run one at a time: a prepared statement is bound and then run, and two callers interleaving
 * those steps would swap each other's parameters.
 */
export class DuckDBSession {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly readAll: DuckDBPreparedStatement,
    private readonly readRange: DuckDBPreparedStatement,
  ) {}

  static async create(): Promise<DuckDBSession> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // Cache files are never rewritten in place (each version is a new file name), so caching
    // their Parquet footers is always correct and saves a footer parse on every read.
    await connection.run('SET parquet_metadata_cache = true');
    const readAll = await connection.prepare(
      `SELECT bars, ${LIST_COLUMNS} FROM read_parquet($1::VARCHAR)`,
    );
    // Row-group statistics on first_time/last_time let DuckDB skip blocks outside the range.
    const readRange = await connection.prepare(
      `SELECT bars, ${LIST_COLUMNS} FROM read_parquet($1::VARCHAR)
       WHERE last_time >= epoch_ms($2::BIGINT) AND first_time < epoch_ms($3::BIGINT)`,
    );
    return new DuckDBSession(instance, connection, readAll, readRange);
  }

  /** Runs `work` alone on the connection. */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the DuckDB session is closed'));
    const run = this.tail.then(() => work(this.connection));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * The bars of a cache file (see `parquet/bars-file.ts`) within `range`, as columns of their own.
   * @throws CacheCorruptError when the file's blocks do not form one strictly increasing series.
   */
  async readBarsFile(path: string, range: TimeRange = ALL_TIME): Promise<Bars> {
    const bounded = range.from > ALL_TIME.from || range.to < ALL_TIME.to;
    const result = await this.exclusive(async () => {
      const statement = bounded ? this.readRange : this.readAll;
      statement.bindVarchar(1, path);
      if (bounded) {
        statement.bindBigInt(2, BigInt(Math.max(ALL_TIME.from, Math.floor(range.from))));
        statement.bindBigInt(3, BigInt(Math.min(ALL_TIME.to, Math.ceil(range.to))));
      }
      return statement.run();
    });
    return sliceToRange(path, collectBlocks(path, result), range);
  }

  /**
   * Runs `sql` with `parameters` and returns its columns as Float64Arrays. Every column must be a
   * DOUBLE that is never NULL (coalesce NULLs to 'NaN' in the query): the values are read without
   * looking at the validity mask.
   */
  async queryDoubles(sql: string, parameters: string[] = []): Promise<Float64Array[]> {
    const result = await this.exclusive((connection) => connection.run(sql, parameters));
    const columns = Array.from(
      { length: result.columnCount },
      () => new Float64Array(result.rowCount),
    );
    let offset = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      for (let i = 0; i < columns.length; i++) {
        columns[i]!.set(doubleValues(chunk.getColumnVector(i)), offset);
      }
      offset += chunk.rowCount;
    }
    return columns;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.readAll.destroySync();
    this.readRange.destroySync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

type Block = [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];

function collectBlocks(path: string, result: DuckDBMaterializedResult): Block[] {
  const blocks: Block[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const counts = chunk.getColumnVector(0);
    const lists = BARS_FILE_LIST_COLUMNS.map((_, i) => chunk.getColumnVector(i + 1));
    const children = lists.map((vector) => {
      if (!(vector instanceof DuckDBListVector)) {
        throw new CacheCorruptError(path, `column type ${vector.type} is not a list`);
      }
      if (vector.childVector.type.typeId !== DuckDBTypeId.DOUBLE) {
        throw new CacheCorruptError(path, `list values are ${vector.childVector.type}, not DOUBLE`);
      }
      return doubleValues(vector.childVector);
    });
    for (let row = 0; row < chunk.rowCount; row++) {
      const count = counts.getItem(row) as number;
      const block = lists.map((vector, i) => {
        const list = vector as DuckDBListVector;
        const offset = list.getEntryOffset(row);
        if (list.getEntryLength(row) !== count) {
          throw new CacheCorruptError(
            path,
            `a block says ${count} bars but holds a different number`,
          );
        }
        return children[i]!.subarray(offset, offset + count);
      }) as Block;
      blocks.push(block);
    }
  }
  return blocks;
}

/**
 * The values of a DOUBLE vector as a Float64Array. The vector keeps them in a private typed array
 * that the bindings copied out of DuckDB (they are built with NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED,
 * so no buffer points into DuckDB's memory), and reading it directly is what keeps 1 M bars under
 * 100 ms. If a later version of the API stores them otherwise, the public per-item path takes over.
 */
function doubleValues(vector: DuckDBVector): Float64Array {
  if (vector.type.typeId !== DuckDBTypeId.DOUBLE) {
    throw new TypeError(`expected a DOUBLE vector, got ${vector.type}`);
  }
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length === vector.itemCount) return items;
  const copy = new Float64Array(vector.itemCount);
  for (let i = 0; i < copy.length; i++)
    copy[i] = (vector.getItem(i) as number | null) ?? Number.NaN;
  return copy;
}

function sliceToRange(path: string, blocks: Block[], range: TimeRange): Bars {
  // Row groups come back in file order when DuckDB preserves insertion order, which it does by
  // default; sorting by first timestamp keeps this correct if that ever changes.
  if (blocks.some((block, i) => i > 0 && block[0][0]! < blocks[i - 1]![0][0]!)) {
    blocks.sort((a, b) => a[0][0]! - b[0][0]!);
  }
  const total = blocks.reduce((sum, block) => sum + block[0].length, 0);
  let columns: Block;
  if (blocks.length === 1) {
    columns = blocks[0]!;
  } else {
    columns = BARS_FILE_LIST_COLUMNS.map(() => new Float64Array(total)) as Block;
    let offset = 0;
    for (const block of blocks) {
      for (let i = 0; i < 6; i++) columns[i]!.set(block[i]!, offset);
      offset += block[0].length;
    }
  }
  const time = columns[0];
  for (let i = 1; i < total; i++) {
    if (!(time[i]! > time[i - 1]!)) {
      throw new CacheCorruptError(path, `timestamps are not strictly increasing at bar ${i}`);
    }
  }
  const [, open, high, low, close, volume] = columns;
  return barsWithin({ length: total, time, open, high, low, close, volume }, range);
}
