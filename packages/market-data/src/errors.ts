/**
 * Every problem this package reports on purpose is a `MarketDataError`, so a caller (the CLI, a
 * worker) can print its message as is and treat anything else as a bug.
 */
export class MarketDataError extends Error {
  override readonly name: string = 'MarketDataError';
}

/** A CSV file that cannot be imported: which file, which line (1 = the header), what is wrong. */
export class CsvImportError extends MarketDataError {
  override readonly name = 'CsvImportError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file} line ${line}: ${problem}`);
  }
}

/** A Parquet file that cannot be imported: which file, which data row (1-based), what is wrong. */
export class ParquetImportError extends MarketDataError {
  override readonly name = 'ParquetImportError';
  constructor(
    readonly file: string,
    readonly row: number | null,
    readonly problem: string,
  ) {
    super(row === null ? `${file}: ${problem}` : `${file} row ${row}: ${problem}`);
  }
}

export class InvalidSymbolError extends MarketDataError {
  override readonly name = 'InvalidSymbolError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid symbol '${input}': ${reason}`);
  }
}

export class InvalidTimeframeError extends MarketDataError {
  override readonly name = 'InvalidTimeframeError';
  constructor(
    readonly input: string,
    readonly valid: readonly string[],
  ) {
    super(`invalid timeframe '${input}' (expected one of ${valid.join(', ')})`);
  }
}

export class InvalidRangeError extends MarketDataError {
  override readonly name = 'InvalidRangeError';
}

/** A symbol whose bars exist only once imported (source `csv`) and that nobody imported. */
export class SymbolNotCachedError extends MarketDataError {
  override readonly name = 'SymbolNotCachedError';
  constructor(
    readonly symbol: string,
    readonly timeframe: string,
  ) {
    super(
      `${symbol} (${timeframe}) is not in the cache: import it first with ` +
        `'hindsight data import FILE --symbol ${symbol}'`,
    );
  }
}

export class UnknownSourceError extends MarketDataError {
  override readonly name = 'UnknownSourceError';
  constructor(
    readonly source: string,
    readonly known: readonly string[],
  ) {
    super(`unknown data source '${source}' (configured: ${known.join(', ') || 'none'})`);
  }
}

/** A cache file that exists but cannot be read as what its manifest says it is. */
export class CacheCorruptError extends MarketDataError {
  override readonly name = 'CacheCorruptError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`market-data cache file ${path} is unreadable: ${reason}`);
  }
}

/** Writers kept losing the race to commit the next version of one series. */
export class CacheConflictError extends MarketDataError {
  override readonly name = 'CacheConflictError';
}

/** A provider could not deliver: `source` names it, the message says why. */
export class ProviderError extends MarketDataError {
  override readonly name: string = 'ProviderError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}
