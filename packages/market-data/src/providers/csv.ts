import { extname } from 'node:path';
import type { Bars, Timeframe } from '@hindsight/engine';
import { type QualityReport, qualityReport } from '../bars/quality.js';
import type { MarketDataCache, SeriesInfo } from '../cache/cache.js';
import { SymbolNotCachedError } from '../errors.js';
import { type CsvOptions, readCsvFile } from '../formats/csv.js';
import { readParquetFile } from '../formats/parquet-import.js';
import { IMPORTED_SOURCE } from '../symbols.js';
import { ALL_TIME, type TimeRange } from '../time/ranges.js';
import type { FetchRequest, Provider } from './provider.js';

export interface ImportOptions extends CsvOptions {
  /** The file: `.parquet` is read as Parquet, anything else as CSV. */
  readonly path: string;
  /** Upper-case name it is cached under (a bare symbol: source `csv`). */
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface ImportResult {
  readonly info: SeriesInfo;
  readonly quality: QualityReport;
}

/**
 * Reads a CSV or Parquet file, checks every row, and only then replaces the symbol's series in the
 * cache in one commit: a bad file throws and leaves the cache exactly as it was.
 */
export async function importFile(
  cache: MarketDataCache,
  options: ImportOptions,
): Promise<ImportResult> {
  const bars = await readImportFile(cache, options);
  const info = await cache.write(
    { source: IMPORTED_SOURCE, symbol: options.symbol, timeframe: options.timeframe },
    bars,
    { coverage: ALL_TIME, replace: true, origin: fileName(options.path) },
  );
  return { info, quality: qualityReport(bars, options.timeframe) };
}

/**
 * The bars of a CSV or Parquet file, validated, without touching the cache (Parquet is read
 * through the cache's DuckDB session).
 */
function readImportFile(
  cache: MarketDataCache,
  options: Pick<ImportOptions, 'path'> & CsvOptions,
): Promise<Bars> {
  if (extname(options.path).toLowerCase() === '.parquet') {
    return cache.session().then((session) => readParquetFile(session, options.path, options));
  }
  return readCsvFile(options.path, options);
}

/**
 * Bare symbols (`GOOG`): bars that exist only once imported. An import answers for all time, so
 * the cache never asks this provider for more; it is asked only about symbols nobody imported.
 */
export class CsvProvider implements Provider {
  readonly source = IMPORTED_SOURCE;

  defaultRange(): TimeRange {
    return ALL_TIME;
  }

  async fetch(request: FetchRequest): Promise<Bars> {
    throw new SymbolNotCachedError(request.symbol, request.timeframe);
  }

  settledBefore(): number {
    return ALL_TIME.to;
  }
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
