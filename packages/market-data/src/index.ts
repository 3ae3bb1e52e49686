export {
  type Gap,
  type Outlier,
  type QualityOptions,
  type QualityReport,
  qualityReport,
} from './bars/quality.js';
export { ResampleError, resampleBars } from './bars/resample.js';
export { barsWithin } from './bars/slice.js';
export {
  SESSION_OPEN_MS,
  SYNTHETIC_ORIGIN,
  type SyntheticOptions,
  syntheticBars,
} from './bars/synthetic.js';
export {
  type CachedSeries,
  MarketDataCache,
  type MarketDataCacheOptions,
  type SeriesInfo,
  type SeriesKey,
  type WriteOptions,
} from './cache/cache.js';
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
export {
  type CsvColumnMapping,
  type CsvOptions,
  type ParseCsvOptions,
  parseCsv,
  readCsvFile,
} from './formats/csv.js';
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
export { formatSymbol, IMPORTED_SOURCE, type ParsedSymbol, parseSymbol } from './symbols.js';
export { parseIsoTime } from './time/iso-time.js';
export {
  ALL_TIME,
  missingRanges,
  normalizeRanges,
  type TimeRange,
  unionRanges,
} from './time/ranges.js';
export { formatTime } from './time/time-format.js';
export {
  bucketStart,
  isTimeframe,
  parseTimeframe,
  TIMEFRAME_MS,
} from './time/timeframes.js';
export { InvalidTimezoneError } from './time/timezone.js';
