export {
  type CachedSeries,
  MarketDataCache,
  type MarketDataCacheOptions,
  type SeriesInfo,
  type SeriesKey,
  type WriteOptions,
} from './cache.js';
export {
  type CsvColumnMapping,
  type CsvOptions,
  type ParseCsvOptions,
  parseCsv,
  readCsvFile,
} from './csv.js';
export {
  CacheConflictError,
  CacheCorruptError,
  CsvImportError,
  InvalidRangeError,
  InvalidSymbolError,
  InvalidTimeframeError,
  MarketDataError,
  ParquetImportError,
  ProviderError,
  SymbolNotCachedError,
  UnknownSourceError,
} from './errors.js';
export { parseIsoTime } from './iso-time.js';
export { type LoadBarsOptions, type LoadedBars, loadBars } from './load.js';
export {
  ALPHA_VANTAGE_URL,
  type AlphaVantageConfig,
  AlphaVantageError,
  type AlphaVantageErrorKind,
  type AlphaVantageOptions,
  AlphaVantageProvider,
} from './providers/alphavantage.js';
export { type Clock, systemClock } from './providers/clock.js';
export {
  CsvProvider,
  type ImportOptions,
  type ImportResult,
  importFile,
  readImportFile,
} from './providers/csv.js';
export { createProviders, type ProvidersConfig } from './providers/index.js';
export type { FetchRequest, Provider, Providers } from './providers/provider.js';
export { SyntheticProvider } from './providers/synthetic.js';
export {
  type Gap,
  type Outlier,
  type QualityOptions,
  type QualityReport,
  qualityReport,
} from './quality.js';
export { ALL_TIME, missingRanges, normalizeRanges, type TimeRange, unionRanges } from './ranges.js';
export { ResampleError, resampleBars } from './resample.js';
export { barsWithin } from './slice.js';
export { formatSymbol, IMPORTED_SOURCE, type ParsedSymbol, parseSymbol } from './symbols.js';
export {
  SESSION_OPEN_MS,
  SYNTHETIC_ORIGIN,
  type SyntheticOptions,
  syntheticBars,
} from './synthetic.js';
export { formatTime } from './time-format.js';
export {
  bucketStart,
  isTimeframe,
  parseTimeframe,
  TIMEFRAME_MS,
} from './timeframes.js';
export { InvalidTimezoneError } from './timezone.js';
