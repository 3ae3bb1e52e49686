import { createError } from './errors.js';
import { assertEndAfterStart, rangeEnd } from './range.js';
import { BacktestRequest, MAX_SYMBOLS } from './schemas/backtest-request.js';
import { parseWithSchema } from './validation.js';

/**
 * A submit body checked against BacktestRequest, with defaults filled, plus what one schema
 * cannot say: a dedicated error for too many symbols, dates that exist, and end after start.
 */
export function parseBacktestRequest(body: unknown): BacktestRequest {
  const symbols = (body as { symbols?: unknown } | null)?.symbols;
  if (Array.isArray(symbols) && symbols.length > MAX_SYMBOLS) {
    throw createError('HS_ERR_TOO_MANY_SYMBOLS', { count: symbols.length, max: MAX_SYMBOLS });
  }
  const request = parseWithSchema(BacktestRequest, body);
  assertEndAfterStart(rangeEnd('start', request.start), rangeEnd('end', request.end));
  return request;
}
