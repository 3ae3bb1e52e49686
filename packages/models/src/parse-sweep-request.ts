import { createError } from './errors.js';
import { assertEndAfterStart, rangeEnd } from './range.js';
import { type BacktestRequest, MAX_SYMBOLS } from './schemas/backtest-request.js';
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

/**
 * The standalone backtest one combination of a sweep equals: the sweep's request without its
 * search fields, the strategy's parameters set to the combination's (already resolved) ones. Its
 * fingerprint is the combination's cache key.
 */
export function comboRequest(
  sweep: SweepRequest,
  params: Record<string, unknown>,
): BacktestRequest {
  const {
    grid: _grid,
    search: _search,
    objective: _objective,
    walkForward: _walkForward,
    ...request
  } = sweep;
  return { ...request, strategy: { name: sweep.strategy.name, params } };
}
