import { engineErrorCode } from '@hindsight/backtest';
import { type BacktestFailure, isHindsightError } from '@hindsight/models';

/** What went wrong with a job, and whether trying again could help. */
export interface ClassifiedFailure extends BacktestFailure {
  /** false for a bad config: the same input fails the same way, so it fails once. */
  retryable: boolean;
}

/**
 * Errors of a request that cannot run as asked; by name, so copies of a module agree. The
 * engine's own (strategy, parameters, simulation settings) are coded by engineErrorCode, as the
 * api codes them at submit.
 */
const CONFIG_ERRORS: Readonly<Record<string, string>> = {
  BarsValidationError: 'HS_ERR_VALIDATION',
  InvalidSymbolError: 'HS_ERR_VALIDATION',
  InvalidTimeframeError: 'HS_ERR_VALIDATION',
  InvalidRangeError: 'HS_ERR_VALIDATION',
  UnknownSourceError: 'HS_ERR_VALIDATION',
  SymbolNotCachedError: 'HS_ERR_SYMBOL_NOT_FOUND',
  CsvImportError: 'HS_ERR_VALIDATION',
  ParquetImportError: 'HS_ERR_VALIDATION',
  CacheCorruptError: 'HS_ERR_MARKET_DATA_UNAVAILABLE',
};

/** Provider hiccups and cache write races: worth the catalogue's retries with backoff. */
const TRANSIENT_ERRORS: Readonly<Record<string, string>> = {
  ProviderError: 'HS_ERR_MARKET_DATA_UNAVAILABLE',
  CacheConflictError: 'HS_ERR_MARKET_DATA_UNAVAILABLE',
};

/** A request the worker cannot run as given (no bars in range, warm-up longer than the data). */
export class BacktestInputError extends Error {
  override readonly name = 'BacktestInputError';
  constructor(
    message: string,
    readonly code = 'HS_ERR_VALIDATION',
  ) {
    super(message);
  }
}

/**
 * Sorts a job's error into a bad config (fail once, with the reason as the user should read
 * it) or a transient fault (retry). Unknown errors count as transient: a lost connection must
 * not fail a backtest that would run on the next attempt.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (!(error instanceof Error)) {
    return { code: 'HS_ERR_INTERNAL', message: String(error), retryable: true };
  }
  if (error instanceof BacktestInputError) {
    return { code: error.code, message: error.message, retryable: false };
  }
  const configCode = engineErrorCode(error) ?? CONFIG_ERRORS[error.name];
  if (configCode) return { code: configCode, message: error.message, retryable: false };
  const transientCode = TRANSIENT_ERRORS[error.name];
  if (transientCode) return { code: transientCode, message: error.message, retryable: true };
  if (isHindsightError(error)) {
    return { code: error.code, message: error.message, retryable: error.statusCode >= 500 };
  }
  if (error.name === 'UnrecoverableError') {
    return { code: 'HS_ERR_VALIDATION', message: error.message, retryable: false };
  }
  return { code: 'HS_ERR_INTERNAL', message: error.message, retryable: true };
}
