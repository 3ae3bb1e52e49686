import { createError } from './errors.js';
import { assertEndAfterStart, rangeEnd } from './range.js';
import { MAX_SYMBOLS } from './schemas/backtest-request.js';
import { SweepRequest } from './schemas/sweep.js';
import { parseWithSchema } from './validation.js';

/** A POST /sweeps body checked as parseBacktestRequest checks a backtest's, defaults filled. */
export function parseSweepRequest(body: unknown): SweepRequest {
  const symbols = (body as { symbols?: unknown } | null)?.symbols;
  if (Array.isArray(symbols) && symbols.length > MAX_SYMBOLS) {
    throw createError('HS_ERR_TOO_MANY_SYMBOLS', { count: symbols.length, max: MAX_SYMBOLS });
  }
  const request = parseWithSchema(SweepRequest, body);
  assertEndAfterStart(rangeEnd('start', request.start), rangeEnd('end', request.end));
  return request;
}
