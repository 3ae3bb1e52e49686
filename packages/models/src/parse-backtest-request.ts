import { createError } from './errors.js';
import { BacktestRequest, MAX_SYMBOLS } from './schemas/backtest-request.js';
import { parseIsoInstant } from './time.js';
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
  for (const field of ['start', 'end'] as const) {
    if (parseIsoInstant(request[field]) === null) {
      const issue = { path: `/${field}`, message: `'${request[field]}' is not a calendar date` };
      throw createError(
        'HS_ERR_VALIDATION',
        { reason: `${issue.path} ${issue.message}` },
        { details: { issues: [issue] } },
      );
    }
  }
  if (parseIsoInstant(request.end)! <= parseIsoInstant(request.start)!) {
    throw createError('HS_ERR_END_BEFORE_START', { start: request.start, end: request.end });
  }
  return request;
}
