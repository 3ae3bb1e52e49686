import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BarColumn, Bars, PartialBars } from '@hindsight/engine';
import { CsvImportError } from '../errors.js';
import { DATE_TIME_LENGTH, IsoTimeParser } from '../time/iso-time.js';
import { isUtcZone, ZoneConverter } from '../time/timezone.js';
import { parseDecimal } from './decimal.js';
import { barProblem, MAX_PRICE, MAX_VOLUME } from './validation.js';

/** The file's column name for each field, when the header does not use the usual names. */
export interface CsvColumnMapping {
  time?: string;
  open?: string;
  high?: string;
  low?: string;
  close?: string;
  volume?: string;
}

export interface CsvOptions {
  columns?: CsvColumnMapping;
  /** IANA zone of timestamps written without an offset; UTC when not given. */
  timezone?: string;
  /** One ASCII character; `,` when not given. */
  delimiter?: string;
}

/** The columns to keep (time always): every row is still read and checked whole. */
export interface KeepColumns {
  keep: readonly BarColumn[];
}

export interface ParseCsvOptions extends CsvOptions {
  /** Names the file in error messages. */
  fileName: string;
}

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
type Field = (typeof FIELDS)[number];
/** One Float64Array per field, in the order of FIELDS; null for a column not kept. */
type Columns = [
  Float64Array,
  Float64Array | null,
  Float64Array | null,
  Float64Array | null,
  Float64Array | null,
  Float64Array | null,
];
const TIME_NAMES = new Set(['date', 'datetime', 'date time', 'time', 'timestamp']);

const IGNORED = -1;
const TIME = 0;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const MINUS = 45;
const POINT = 46;
const ZERO = 48;
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes read from a file at a time; a row longer than that widens the window. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads and parses a CSV file of bars (see `parseCsv`), a window of whole lines at a time into one
 * reused buffer: the file is never held whole, only the columns of bars. The columns are sized
 * once, from the file's size and the rows of the first window, and grow only if the rest of the
 * file has shorter rows. With `keep`, only those columns are stored (a run that reads the close
 * alone holds 16 of the 48 bytes a bar). `chunkBytes` sizes the window (tests).
 */
export async function readCsvFile(
  path: string,
  options: CsvOptions & KeepColumns,
  chunkBytes?: number,
): Promise<PartialBars>;
export async function readCsvFile(
  path: string,
  options?: CsvOptions,
  chunkBytes?: number,
): Promise<Bars>;
export async function readCsvFile(
  path: string,
  options: CsvOptions & Partial<KeepColumns> = {},
  chunkBytes = CHUNK_BYTES,
): Promise<PartialBars> {
  const fileName = basename(path);
  const cannotRead = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CsvImportError(
      fileName,
      null,
      code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`,
    );
  };
  const file = await open(path, 'r').catch(cannotRead);
  try {
    const size = (await file.stat().catch(cannotRead)).size;
    let buffer = Buffer.allocUnsafe(chunkBytes);
    const read = (at: number, offset: number) =>
      file.read(buffer, at, buffer.length - at, offset).then((r) => r.bytesRead, cannotRead);

    const parser = new CsvParser({ ...options, fileName });
    let filled = 0;
    let offset = 0;
    let first = true;
    for (;;) {
      const got = await read(filled, offset);
      offset += got;
      filled += got;
      const final = got === 0;
      if (!final && filled < buffer.length) continue;
      // Whole lines only: up to the last LF, or the last lone CR (one at the very end may be
      // the first half of a CRLF).
      const end = final ? filled : wholeLinesEnd(buffer, filled);
      let pos = 0;
      if (end > 0 || final) {
        if (first) {
          pos = parser.header(buffer, 0, end);
          parser.allocate(parser.estimateRows(buffer, pos, end, size - pos));
          first = false;
        }
        pos = parser.rows(buffer, pos, end, final);
      }
      if (final) return parser.bars();
      if (pos === 0) {
        // Not one whole row in the window (a long line, or a quoted field across lines): widen.
        const wider = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(wider, 0, 0, filled);
        buffer = wider;
      } else {
        buffer.copyWithin(0, pos, filled);
        filled -= pos;
      }
    }
  } finally {
    await file.close();
  }
}

/** Line ends of `bytes[from, to)`: LF, CRLF or (old Mac files) a lone CR, each counted once. */
function lineEnds(bytes: Uint8Array, from: number, to: number): number {
  // As a plain Uint8Array: a Buffer's indexOf goes through Node's slower wrapper.
  const window = new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from);
  return Math.max(countByte(window, LF, 0), countByte(window, CR, 0));
}

/** Index after the last line end of `bytes[0, filled)` that is surely whole; 0 if none. */
function wholeLinesEnd(bytes: Uint8Array, filled: number): number {
  const lf = bytes.lastIndexOf(LF, filled - 1);
  if (lf >= 0) return lf + 1;
  const cr = bytes.lastIndexOf(CR, filled - 2);
  return cr + 1;
}

/**
 * Parses CSV bars: a header row, then one bar per line. The time column is the one named Date,
 * Datetime, Time or Timestamp, or an unnamed first column (what pandas writes for its index);
 * Open, High, Low, Close and Volume match in any case, other columns are ignored, and a file with no
 * Volume column gets volume 0. `options.columns` maps fields to other header names.
 *
 * Timestamps are ISO dates or date-times; those without an offset are UTC, or wall-clock time in
 * `options.timezone`. Every row is checked as it is read (time order, positive prices, high and low
 * around open and close, volume >= 0), and the first bad one throws a `CsvImportError` naming the
 * file, the line and the problem.
 */
export function parseCsv(
  input: string | Uint8Array,
  options: ParseCsvOptions & KeepColumns,
): PartialBars;
export function parseCsv(input: string | Uint8Array, options: ParseCsvOptions): Bars;
export function parseCsv(
  input: string | Uint8Array,
  options: ParseCsvOptions & Partial<KeepColumns>,
): PartialBars {
  const bytes = typeof input === 'string' ? utf8.encode(input) : input;
  const parser = new CsvParser(options);
  const pos = parser.header(bytes, 0, bytes.length);
  // One bar per line at most; lines end in LF, CRLF or (old Mac files) a lone CR.
  parser.allocate(lineEnds(bytes, pos, bytes.length) + 1);
  parser.rows(bytes, pos, bytes.length, true);
  return parser.bars();
}

/**
 * The CSV reader, fed windows of whole lines (the whole text, or a file a window at a time):
 * `header` once, `allocate` the columns, `rows` for each window, then `bars`.
 */
class CsvParser {
  private readonly file: string;
  private readonly delimiter: number;
  private readonly timeParser = new IsoTimeParser();
  private readonly zone: ZoneConverter | null;
  /**
   * Whether the time field may be read by `IsoTimeParser.sameDateTime` where it starts: not when
   * the delimiter is one of its characters (then the field ends inside it).
   */
  private readonly timeShortcut: boolean;
  private readonly values = new Float64Array(6);
  private roles = new Int8Array(0);
  private fieldCount = 0;
  private hasVolume = false;
  /** Per field (FIELDS' order): whether its column is stored. */
  private readonly kept: boolean[];
  private columns: (Float64Array | null)[] = [];
  private n = 0;
  /** Line number of the next row (1 is the header). */
  private line = 2;
  private previousLine = 0;

  private readonly mapping: CsvColumnMapping | undefined;

  private readonly fail = (line: number | null, problem: string): never => {
    throw new CsvImportError(this.file, line, problem);
  };

  constructor(options: ParseCsvOptions & Partial<KeepColumns>) {
    this.file = options.fileName;
    const keep = options.keep;
    this.kept = FIELDS.map(
      (field) => keep === undefined || field === 'time' || keep.includes(field),
    );
    this.delimiter = delimiterByte(options.delimiter, this.fail);
    this.timeShortcut = !/[0-9\-: Tt]/.test(String.fromCharCode(this.delimiter));
    this.zone = isUtcZone(options.timezone) ? null : new ZoneConverter(options.timezone!);
    this.mapping = options.columns;
  }

  /** Reads the header row at the start of `bytes[0, length)`; returns where the rows start. */
  header(bytes: Uint8Array, start: number, length: number): number {
    const delimiter = this.delimiter;
    let pos = start;
    if (bytes[pos] === 0xef && bytes[pos + 1] === 0xbb && bytes[pos + 2] === 0xbf) pos += 3;
    const header: string[] = [];
    while (pos < length) {
      let from = pos;
      let end: number;
      if (bytes[pos] === QUOTE) {
        from = ++pos;
        while (pos < length && bytes[pos] !== QUOTE) pos++;
        end = pos;
        if (pos < length) pos++;
      } else {
        while (pos < length && bytes[pos] !== delimiter && bytes[pos] !== LF && bytes[pos] !== CR) {
          pos++;
        }
        end = pos;
      }
      header.push(decoder.decode(bytes.subarray(from, end)).trim());
      if (pos >= length) break;
      if (bytes[pos] === delimiter) {
        pos++;
        continue;
      }
      if (bytes[pos] === CR) pos++;
      if (bytes[pos] === LF) pos++;
      break;
    }
    if (header.length === 0 || (header.length === 1 && header[0] === '')) {
      this.fail(null, 'the file is empty (expected a header row and bars)');
    }
    const columns = resolveColumns(header, this.mapping, (problem) => this.fail(1, problem));
    this.fieldCount = header.length;
    // What each field of a row feeds: a column (0 = time ... 5 = volume, as in FIELDS) or IGNORED.
    this.roles = new Int8Array(this.fieldCount).fill(IGNORED);
    FIELDS.forEach((field, column) => {
      const index = columns[field];
      if (index !== null) this.roles[index] = column;
    });
    this.hasVolume = columns.volume !== null;
    return pos;
  }

  /** Room for `capacity` bars; `rows` grows the columns if more come. */
  allocate(capacity: number): void {
    this.columns = this.kept.map((kept) => (kept ? new Float64Array(capacity) : null));
  }

  /**
   * Rows to make room for when `bytes[start, end)` is the first window of the `size` bytes of rows
   * in a file: its line ends scaled to the whole with 1% to spare, but no more rows than the file
   * can hold (each has at least one byte per field).
   */
  estimateRows(bytes: Uint8Array, start: number, end: number, size: number): number {
    const lines = lineEnds(bytes, start, end) + 1;
    const estimate = Math.ceil((lines * 1.01 * size) / Math.max(1, end - start)) + 16;
    return Math.min(estimate, Math.ceil(size / this.fieldCount) + 1);
  }

  /** Columns ~1/8 longer than needed for the rows so far, with those rows in them. */
  private grow(): (Float64Array | null)[] {
    const n = this.n;
    const capacity = n + (n >>> 3) + 1024;
    this.columns = this.columns.map((column) => {
      if (column === null) return null;
      const longer = new Float64Array(capacity);
      longer.set(column.subarray(0, n));
      return longer;
    });
    return this.columns;
  }

  /**
   * Reads the rows of `bytes[pos, length)`; returns where the first row it did not read starts.
   * Unless `final`, the window ends with a line end and a row cut by its end (a quoted field
   * across lines) is left for the next window; with `final`, the end of the window is the end
   * of the file.
   */
  rows(bytes: Uint8Array, start: number, length: number, final: boolean): number {
    const {
      delimiter,
      fieldCount,
      roles,
      values,
      timeParser,
      timeShortcut,
      zone,
      hasVolume,
      fail,
    } = this;
    let [time, open, high, low, close, volume] = this.columns as Columns;
    let capacity = time.length;
    let pos = start;
    let n = this.n;
    let line = this.line;
    let previousLine = this.previousLine;
    let timeStart = 0;
    let timeEnd = 0;
    // The time when the row's field had the common shape (see `sameDateTime`), else NaN.
    let shortcutTime = Number.NaN;
    rows: while (pos < length) {
      const rowStart = pos;
      const rowLine = line;
      shortcutTime = Number.NaN;
      if (isBlankLine(bytes, pos, length)) {
        pos = nextLine(bytes, pos, length);
        this.line = ++line;
        continue;
      }
      for (let field = 0; field < fieldCount; field++) {
        const role = roles[field]!;
        const fieldStart = pos;
        let end: number;
        let simple = false;
        if (bytes[pos] === QUOTE) {
          end = skipQuoted(bytes, pos, length);
          if (end < 0) {
            if (!final) {
              // The rest of this row is in the next window.
              pos = rowStart;
              line = rowLine;
              break rows;
            }
            fail(rowLine, 'a quoted field is never closed');
          }
          for (let i = fieldStart; i < end; i++) if (bytes[i] === LF) line++;
          pos = end + 1;
          while (pos < length && (bytes[pos] === SPACE || bytes[pos] === TAB)) pos++;
          if (role === TIME) {
            timeStart = fieldStart + 1;
            timeEnd = end;
          } else if (role !== IGNORED) {
            values[role] = fieldNumber(bytes, fieldStart + 1, end, role, rowLine, fail);
          }
        } else if (role > TIME) {
          // Inline decimal: digits with at most one point, at most 15 digits (so the integer is
          // exact), then one division by an exact power of ten - the same double `Number` gives.
          let mantissa = 0;
          let digits = 0;
          let point = -1;
          let negative = false;
          if (bytes[pos] === MINUS) {
            negative = true;
            pos++;
          }
          while (pos < length) {
            const byte = bytes[pos]!;
            const digit = byte - ZERO;
            if (digit >= 0 && digit <= 9) {
              mantissa = mantissa * 10 + digit;
              digits++;
            } else if (byte === POINT && point < 0) {
              point = digits;
            } else {
              break;
            }
            pos++;
          }
          if (pos < length) {
            const byte = bytes[pos]!;
            simple = byte === delimiter || byte === LF || byte === CR;
          } else {
            simple = true;
          }
          simple &&= digits > 0 && digits <= 15;
          if (simple) {
            const magnitude =
              point < 0 || point === digits ? mantissa : mantissa / POWERS_OF_TEN[digits - point]!;
            values[role] = negative ? -magnitude : magnitude;
          } else {
            pos = fieldEnd(bytes, pos, length, delimiter);
            values[role] = fieldNumber(bytes, fieldStart, pos, role, rowLine, fail);
          }
        } else {
          let shortcut = false;
          if (role === TIME && timeShortcut) {
            const t = timeParser.sameDateTime(bytes, pos);
            const after = pos + DATE_TIME_LENGTH;
            // It is the whole field if fieldEnd would stop right after it.
            const byte = after < length ? bytes[after] : LF;
            if (!Number.isNaN(t) && (byte === delimiter || byte === LF || byte === CR)) {
              shortcutTime = t;
              shortcut = true;
              pos = after;
            }
          }
          if (!shortcut) {
            pos = fieldEnd(bytes, pos, length, delimiter);
            if (role === TIME) {
              timeStart = fieldStart;
              timeEnd = pos;
            }
          }
        }
        // Now at a delimiter, a line end or the end of the file.
        const byte = pos < length ? bytes[pos] : LF;
        if (field < fieldCount - 1) {
          if (byte === delimiter) {
            pos++;
            continue;
          }
          if (byte === LF || byte === CR) {
            fail(rowLine, `expected ${fieldCount} fields like the header, found ${field + 1}`);
          }
          fail(rowLine, 'unexpected text after a quoted field');
        }
        if (byte === delimiter) {
          fail(rowLine, `expected ${fieldCount} fields like the header, found more`);
        }
        if (byte !== LF && byte !== CR) fail(rowLine, 'unexpected text after a quoted field');
      }
      pos = nextLine(bytes, pos, length);
      line++;

      let t = shortcutTime;
      if (Number.isNaN(t)) t = parseTime(timeParser, bytes, timeStart, timeEnd);
      if (Number.isNaN(t)) {
        const raw = decoder
          .decode(bytes.subarray(timeStart, timeEnd))
          .replace(/^[ \t]+|[ \t]+$/g, '');
        fail(
          rowLine,
          raw === '' ? 'time is empty' : `time '${raw}' is not an ISO date or date-time`,
        );
      }
      if (zone !== null && !timeParser.explicitZone) t = zone.toUtc(t);
      const o = values[1]!;
      const h = values[2]!;
      const l = values[3]!;
      const c = values[4]!;
      const v = hasVolume ? values[5]! : 0;
      const previous = n > 0 ? time[n - 1]! : Number.NEGATIVE_INFINITY;
      // The common case passes one comparison chain; `barProblem` runs only to word a failure.
      if (
        !(t > previous && l > 0 && h >= l && h >= o && h >= c && l <= o && l <= c && v >= 0) ||
        h > MAX_PRICE ||
        v > MAX_VOLUME
      ) {
        const problem = barProblem(
          t,
          o,
          h,
          l,
          c,
          v,
          n > 0 ? previous : Number.NaN,
          `line ${previousLine}`,
        );
        if (problem !== null) fail(rowLine, problem);
      }
      if (n === capacity) {
        [time, open, high, low, close, volume] = this.grow() as Columns;
        capacity = time.length;
      }
      time[n] = t;
      if (open !== null) open[n] = o;
      if (high !== null) high[n] = h;
      if (low !== null) low[n] = l;
      if (close !== null) close[n] = c;
      if (volume !== null) volume[n] = v;
      previousLine = rowLine;
      n++;
      // The state as each row ends, not once after the loop: code after a loop that ran its
      // first window on-stack-replaced would have no type feedback and deoptimise every window.
      this.n = n;
      this.line = line;
      this.previousLine = previousLine;
    }
    return pos;
  }

  /**
   * The bars read, in the columns kept; every rule of the engine's createBars was checked row by
   * row, on every column.
   */
  bars(): PartialBars {
    const n = this.n;
    if (n === 0) this.fail(null, 'no bars after the header');
    const [time, open, high, low, close, volume] = this.columns.map(
      (column) => column?.subarray(0, n) ?? null,
    ) as Columns;
    return {
      length: n,
      time,
      ...(open && { open }),
      ...(high && { high }),
      ...(low && { low }),
      ...(close && { close }),
      ...(volume && { volume }),
    };
  }
}

function delimiterByte(
  delimiter: string | undefined,
  fail: (line: null, problem: string) => never,
): number {
  if (delimiter === undefined) return 44;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"') {
    fail(null, `delimiter must be one ASCII character other than '"', got '${delimiter}'`);
  }
  return delimiter.charCodeAt(0);
}

function countByte(bytes: Uint8Array, byte: number, from: number): number {
  let count = 0;
  for (let i = bytes.indexOf(byte, from); i >= 0; i = bytes.indexOf(byte, i + 1)) count++;
  return count;
}

function isBlankLine(bytes: Uint8Array, start: number, length: number): boolean {
  let i = start;
  while (i < length && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
  return i === length || bytes[i] === LF || bytes[i] === CR;
}

/** Past the line end at (or after blanks from) `pos`: CRLF, LF or CR. */
function nextLine(bytes: Uint8Array, pos: number, length: number): number {
  let i = pos;
  while (i < length && bytes[i] !== LF && bytes[i] !== CR) i++;
  if (i < length && bytes[i] === CR) i++;
  if (i < length && bytes[i] === LF) i++;
  return i;
}

/** The time field `bytes[start, end)`, blanks around it dropped: see IsoTimeParser.parse. */
function parseTime(parser: IsoTimeParser, bytes: Uint8Array, start: number, end: number): number {
  let from = start;
  let to = end;
  while (from < to && (bytes[from] === SPACE || bytes[from] === TAB)) from++;
  while (to > from && (bytes[to - 1] === SPACE || bytes[to - 1] === TAB)) to--;
  return parser.parse(bytes, from, to);
}

/** The first delimiter or line end at or after `pos`. */
function fieldEnd(bytes: Uint8Array, pos: number, length: number, delimiter: number): number {
  let i = pos;
  while (i < length) {
    const byte = bytes[i];
    if (byte === delimiter || byte === LF || byte === CR) break;
    i++;
  }
  return i;
}

/** Index of the quote closing the quoted field that opens at `pos`, or -1 if it never closes. */
function skipQuoted(bytes: Uint8Array, pos: number, length: number): number {
  let i = pos + 1;
  while (i < length) {
    if (bytes[i] === QUOTE) {
      if (i + 1 < length && bytes[i + 1] === QUOTE) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}

function fieldNumber(
  bytes: Uint8Array,
  start: number,
  end: number,
  role: number,
  line: number,
  fail: (line: number, problem: string) => never,
): number {
  const value = parseDecimal(bytes, start, end);
  if (Number.isNaN(value)) {
    const name = FIELDS[role]!;
    const raw = decoder.decode(bytes.subarray(start, end)).trim();
    fail(line, raw === '' ? `${name} is empty` : `${name} '${raw}' is not a number`);
  }
  return value;
}

/**
 * Index of each field's column in the header. Exported for the Parquet importer, which matches
 * column names the same way.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: CsvColumnMapping | undefined,
  fail: (problem: string) => never,
): Record<Exclude<Field, 'volume'>, number> & { volume: number | null } {
  const lower = header.map((name) => name.toLowerCase());
  const find = (field: Field): number | null => {
    const wanted = mapping?.[field];
    if (wanted !== undefined) {
      const index = lower.indexOf(wanted.toLowerCase());
      if (index < 0) fail(`no column '${wanted}' for ${field} (header: ${header.join(', ')})`);
      return index;
    }
    if (field === 'time') {
      const index = lower.findIndex((name) => TIME_NAMES.has(name));
      if (index >= 0) return index;
      return lower[0] === '' ? 0 : null;
    }
    const index = lower.indexOf(field);
    return index < 0 ? null : index;
  };
  const found = Object.fromEntries(FIELDS.map((field) => [field, find(field)])) as Record<
    Field,
    number | null
  >;
  for (const field of FIELDS) {
    if (field === 'volume' || found[field] !== null) continue;
    fail(
      field === 'time'
        ? `no time column: name it Date or leave the first header cell empty, or map it ` +
            `(header: ${header.join(', ')})`
        : `no ${field} column (header: ${header.join(', ')})`,
    );
  }
  const used = FIELDS.map((field) => found[field]).filter((index) => index !== null);
  if (new Set(used).size !== used.length) {
    fail(`one column is mapped to two fields (header: ${header.join(', ')})`);
  }
  return found as Record<Exclude<Field, 'volume'>, number> & { volume: number | null };
}
