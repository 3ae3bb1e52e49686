import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { Bars } from '@hindsight/engine';
import { CompactWriter } from './thrift.js';

/**
 * One cached series as a Parquet file that DuckDB reads: each row is a block of consecutive bars
 * whose columns are lists (`time` in epoch ms, then open, high, low, close, volume), beside the
 * block's first and last timestamp and its bar count.
 *
 * Why blocks of lists rather than one row per bar: @duckdb/node-api hands a result over one
 * 2,048-row chunk at a time, and fetching a chunk costs ~0.1 ms, which alone puts 1 M row-shaped
 * bars over 100 ms. A list column arrives as one flat child vector per chunk, so a million bars
 * come back as a few typed arrays. SQL still sees plain bars through `unnest`.
 *
 * Why this file writes the Parquet itself: DuckDB can only build those lists with a `list()`
 * aggregate over appended rows, about 0.6 s per million bars here. The layout is fixed and simple
 * (uncompressed PLAIN doubles, one data page per column chunk, one block per row group), so the
 * column bytes go to disk straight from the Float64Arrays. The row groups carry min/max statistics
 * on `first_time`/`last_time`, so a range query skips the blocks outside it.
 */

/**
 * Bars per row (and per row group). A block is the unit a range read decodes, and every extra block
 * in a read costs a copy to join it to the others: with 2^20, a series of up to a million bars
 * reads in one piece (the copy would add about a third to a full read), while a range of a longer
 * series decodes at most the two million-bar blocks around it.
 */
export const BARS_PER_BLOCK = 1_048_576;

/** The columns of the bars file, in order. */
export const BARS_FILE_LIST_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

const MAGIC = new TextEncoder().encode('PAR1');

// Parquet enums (parquet-format's parquet.thrift).
const Type = { INT32: 1, INT64: 2, DOUBLE: 5 } as const;
const Repetition = { REQUIRED: 0, REPEATED: 2 } as const;
const ConvertedType = { LIST: 3, TIMESTAMP_MILLIS: 9 } as const;
const Encoding = { PLAIN: 0, RLE: 3 } as const;
const PageType = { DATA_PAGE: 0 } as const;
const UNCOMPRESSED = 0;

export interface BarsFileOptions {
  /** Bars per block; tests use small blocks to exercise block boundaries. */
  blockSize?: number;
  /** Stored as the file's key-value metadata (what the series is, for someone reading it cold). */
  metadata?: Readonly<Record<string, string>>;
}

interface ColumnChunkMeta {
  path: readonly string[];
  type: number;
  values: number;
  offset: number;
  size: number;
  encodings: readonly number[];
  minMax?: [Uint8Array, Uint8Array];
}

/**
 * Writes `bars` to a new file at `path` (which must not exist yet) and fsyncs it.
 * @returns the file's size in bytes.
 */
export async function writeBarsFile(
  path: string,
  bars: Bars,
  options: BarsFileOptions = {},
): Promise<number> {
  const blockSize = options.blockSize ?? BARS_PER_BLOCK;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  }
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const push = (part: Uint8Array) => {
    parts.push(part);
    offset += part.length;
  };
  const rowGroups: { columns: ColumnChunkMeta[]; bytes: number }[] = [];

  for (let start = 0; start < bars.length; start += blockSize) {
    const end = Math.min(bars.length, start + blockSize);
    const count = end - start;
    const columns: ColumnChunkMeta[] = [];
    const first = int64Bytes(bars.time[start]!);
    const last = int64Bytes(bars.time[end - 1]!);
    for (const [name, value] of [
      ['first_time', first],
      ['last_time', last],
    ] as const) {
      const chunkOffset = offset;
      const header = pageHeader(1, value.length);
      push(header);
      push(value);
      columns.push({
        path: [name],
        type: Type.INT64,
        values: 1,
        offset: chunkOffset,
        size: offset - chunkOffset,
        encodings: [Encoding.PLAIN],
        minMax: [value, value],
      });
    }
    const barCount = new Uint8Array(4);
    new DataView(barCount.buffer).setInt32(0, count, true);
    const countOffset = offset;
    push(pageHeader(1, barCount.length));
    push(barCount);
    columns.push({
      path: ['bars'],
      type: Type.INT32,
      values: 1,
      offset: countOffset,
      size: offset - countOffset,
      encodings: [Encoding.PLAIN],
    });

    const levels = listLevels(count);
    for (const name of BARS_FILE_LIST_COLUMNS) {
      const values = littleEndianBytes(bars[name].subarray(start, end));
      const chunkOffset = offset;
      push(pageHeader(count, levels.length + values.length));
      push(levels);
      push(values);
      columns.push({
        path: [name, 'list', 'element'],
        type: Type.DOUBLE,
        values: count,
        offset: chunkOffset,
        size: offset - chunkOffset,
        encodings: [Encoding.PLAIN, Encoding.RLE],
      });
    }
    rowGroups.push({ columns, bytes: columns.reduce((sum, column) => sum + column.size, 0) });
  }

  const footer = fileMetadata(rowGroups, options.metadata ?? {});
  push(footer);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  push(length);
  push(MAGIC);

  const handle = await open(path, 'wx');
  try {
    const { bytesWritten } = await handle.writev(parts);
    if (bytesWritten !== offset) {
      throw new Error(`short write to ${path}: ${bytesWritten} of ${offset} bytes`);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return offset;
}

function pageHeader(values: number, size: number): Uint8Array {
  return new CompactWriter()
    .struct(undefined, (w) =>
      w
        .i32(1, PageType.DATA_PAGE)
        .i32(2, size)
        .i32(3, size)
        .struct(5, (d) =>
          d.i32(1, values).i32(2, Encoding.PLAIN).i32(3, Encoding.RLE).i32(4, Encoding.RLE),
        ),
    )
    .finish();
}

/**
 * Repetition then definition levels of one non-empty list of required values, each as Parquet's
 * RLE/bit-packed hybrid with a 4-byte length prefix: repetition is one 0 (a new row) then count-1
 * ones; definition is count ones (every value present).
 */
function listLevels(count: number): Uint8Array {
  const repetition = count > 1 ? [...rleRun(1, 0), ...rleRun(count - 1, 1)] : rleRun(1, 0);
  const definition = rleRun(count, 1);
  const bytes = new Uint8Array(8 + repetition.length + definition.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, repetition.length, true);
  bytes.set(repetition, 4);
  view.setUint32(4 + repetition.length, definition.length, true);
  bytes.set(definition, 8 + repetition.length);
  return bytes;
}

/** An RLE run of a 1-bit level: varint(count << 1) then the value in one byte. */
function rleRun(count: number, value: number): number[] {
  const bytes: number[] = [];
  let rest = count * 2;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest, value);
  return bytes;
}

function int64Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
  return bytes;
}

const littleEndianHost = endianness() === 'LE';

/** PLAIN doubles are little-endian: a view of the array's memory here, a swapped copy elsewhere. */
function littleEndianBytes(values: Float64Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return bytes;
}

function fileMetadata(
  rowGroups: readonly { columns: ColumnChunkMeta[]; bytes: number }[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const listColumns = BARS_FILE_LIST_COLUMNS.length;
  return new CompactWriter()
    .struct(undefined, (w) => {
      w.i32(1, 1);
      w.listStruct(2, schemaElements(), (s, element) => {
        if (element.type !== undefined) s.i32(1, element.type);
        if (element.repetition !== undefined) s.i32(3, element.repetition);
        s.binary(4, element.name);
        if (element.children !== undefined) s.i32(5, element.children);
        if (element.converted !== undefined) s.i32(6, element.converted);
      });
      w.i64(3, rowGroups.length);
      w.listStruct(4, rowGroups, (g, group) => {
        g.listStruct(1, group.columns, (c, column) => {
          c.i64(2, column.offset);
          c.struct(3, (m) => {
            m.i32(1, column.type);
            m.listI32(2, column.encodings);
            m.listBinary(3, column.path);
            m.i32(4, UNCOMPRESSED);
            m.i64(5, column.values);
            m.i64(6, column.size);
            m.i64(7, column.size);
            m.i64(9, column.offset);
            if (column.minMax) {
              const [min, max] = column.minMax;
              m.struct(12, (s) => s.i64(3, 0).binary(5, max).binary(6, min));
            }
          });
        });
        g.i64(2, group.bytes);
        g.i64(3, 1);
      });
      w.listStruct(5, Object.entries(metadata), (kv, [key, value]) =>
        kv.binary(1, key).binary(2, value),
      );
      w.binary(6, 'hindsight market-data');
    })
    .finish();

  function schemaElements() {
    type Element = {
      name: string;
      type?: number;
      repetition?: number;
      children?: number;
      converted?: number;
    };
    const elements: Element[] = [{ name: 'schema', children: 3 + listColumns }];
    for (const name of ['first_time', 'last_time']) {
      elements.push({
        name,
        type: Type.INT64,
        repetition: Repetition.REQUIRED,
        converted: ConvertedType.TIMESTAMP_MILLIS,
      });
    }
    elements.push({ name: 'bars', type: Type.INT32, repetition: Repetition.REQUIRED });
    for (const name of BARS_FILE_LIST_COLUMNS) {
      elements.push(
        { name, repetition: Repetition.REQUIRED, children: 1, converted: ConvertedType.LIST },
        { name: 'list', repetition: Repetition.REPEATED, children: 1 },
        { name: 'element', type: Type.DOUBLE, repetition: Repetition.REQUIRED },
      );
    }
    return elements;
  }
}
