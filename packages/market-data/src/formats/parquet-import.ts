import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Bars, createBars } from '@hindsight/engine';
import type { DuckDBSession } from '../cache/duckdb-session.js';
import { ParquetImportError } from '../errors.js';
import { isUtcZone, ZoneConverter } from '../time/timezone.js';
import { type CsvOptions, resolveColumns } from './csv.js';
import { barProblem } from './validation.js';

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * Reads bars from a Parquet file through DuckDB, with the column matching of `parseCsv` (pandas'
 * index column `__index_level_0__` also counts as the time column). Time columns may be
 * TIMESTAMP/DATE (wall-clock time: UTC, or `options.timezone`), TIMESTAMP WITH TIME ZONE (exact
 * instants), numbers (epoch milliseconds) or ISO text. Rows are checked like CSV lines, and the
 * first bad one throws a `ParquetImportError` naming the file and the row.
 */
export async function readParquetFile(
  session: DuckDBSession,
  path: string,
  options: CsvOptions = {},
): Promise<Bars> {
  const file = basename(path);
  const fail = (row: number | null, problem: string): never => {
    throw new ParquetImportError(file, row, problem);
  };
  const exists = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) fail(null, 'no such file');

  let names: string[] = [];
  let types: string[] = [];
  try {
    const described = await session.exclusive((connection) =>
      connection.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($1::VARCHAR)', [path]),
    );
    const rows = described.getRowObjectsJS();
    names = rows.map((row) => String(row.column_name));
    types = rows.map((row) => String(row.column_type));
  } catch (error) {
    fail(null, `not a readable Parquet file (${firstLine(error)})`);
  }
  const header = names.map((name, i) => (i === 0 && name === '__index_level_0__' ? '' : name));
  const columns = resolveColumns(header, options.columns, (problem) => fail(null, problem));

  const quote = (i: number) => `"${names[i]!.replaceAll('"', '""')}"`;
  const timeType = types[columns.time]!;
  const exactInstant = timeType === 'TIMESTAMP WITH TIME ZONE' || NUMERIC.test(timeType);
  const timeSql =
    timeType === 'TIMESTAMP WITH TIME ZONE'
      ? `epoch_ms(${quote(columns.time)})::DOUBLE`
      : NUMERIC.test(timeType)
        ? `${quote(columns.time)}::DOUBLE`
        : `epoch_ms(TRY_CAST(${quote(columns.time)} AS TIMESTAMP))::DOUBLE`;
  const value = (index: number | null) =>
    index === null ? '0::DOUBLE' : `TRY_CAST(${quote(index)} AS DOUBLE)`;
  const select = [
    timeSql,
    value(columns.open),
    value(columns.high),
    value(columns.low),
    value(columns.close),
    value(columns.volume),
  ].map((sql) => `coalesce(${sql}, 'NaN'::DOUBLE)`);

  let values: Float64Array[] = [];
  try {
    values = await session.queryDoubles(
      `SELECT ${select.join(', ')} FROM read_parquet($1::VARCHAR)`,
      [path],
    );
  } catch (error) {
    fail(null, `cannot read its rows (${firstLine(error)})`);
  }
  const [time, open, high, low, close, volume] = values as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  if (time.length === 0) fail(null, 'no rows');
  const zone =
    exactInstant || isUtcZone(options.timezone) ? null : new ZoneConverter(options.timezone!);
  for (let i = 0; i < time.length; i++) {
    if (zone !== null) time[i] = zone.toUtc(time[i]!);
    for (let j = 0; j < FIELDS.length; j++) {
      if (Number.isNaN(values[j]![i])) {
        fail(
          i + 1,
          j === 0
            ? 'time is missing or not a date-time'
            : `${FIELDS[j]} is missing or not a number`,
        );
      }
    }
    const problem = barProblem(
      time[i]!,
      open[i]!,
      high[i]!,
      low[i]!,
      close[i]!,
      volume[i]!,
      i > 0 ? time[i - 1]! : Number.NaN,
      `row ${i}`,
    );
    if (problem !== null) fail(i + 1, problem);
  }
  return createBars({ time, open, high, low, close, volume });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
