export type { Gap, Outlier, QualityOptions, QualityReport } from './bars/quality.js';
export { type SyntheticOptions, syntheticBars } from './bars/synthetic.js';
export {
  type CachedSeries,
  MarketDataCache,
  type MarketDataCacheOptions,
  type SeriesInfo,
  type SeriesKey,
  type WriteOptions,
} from './cache/cache.js';
export { InvalidSymbolError } from './errors.js';
export {
  type CsvColumnMapping,
  type CsvOptions,
  type ParseCsvOptions,
  parseCsv,
  readCsvFile,
} from './formats/csv.js';
export { type LoadBarsOptions, type LoadedBars, loadBars } from './load.js';
export type {
  AlphaVantageConfig,
  AlphaVantageErrorKind,
  AlphaVantageOptions,
} from './providers/alphavantage.js';
export type { Clock } from './providers/clock.js';
export { type ImportOptions, type ImportResult, importFile } from './providers/csv.js';
export { createProviders, type ProvidersConfig } from './providers/index.js';
export type { FetchRequest, Provider, Providers } from './providers/provider.js';
export { formatSymbol, IMPORTED_SOURCE, type ParsedSymbol, parseSymbol } from './symbols.js';
export { parseIsoTime } from './time/iso-time.js';
export { ALL_TIME, type TimeRange } from './time/ranges.js';
export { formatTime } from './time/time-format.js';
export { parseTimeframe, TIMEFRAME_MS } from './time/timeframes.js';
