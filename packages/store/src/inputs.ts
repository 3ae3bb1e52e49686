import {
  createError,
  type ExecutionLogLine,
  LOG_LEVELS,
  MAX_LOG_MESSAGE,
  MAX_PAGE_SIZE,
  type NewLogLine,
  parseIsoInstant,
} from '@hindsight/models';
import { MAX_LOG_PAGE } from './store.js';

function invalid(path: string, message: string) {
  const issue = { path, message };
  return createError(
    'HS_ERR_VALIDATION',
    { reason: `${path} ${message}` },
    { details: { issues: [issue] } },
  );
}

export function checkProgress(progress: number): void {
  if (!(progress >= 0 && progress <= 1)) {
    throw invalid('/progress', `must be a number in [0, 1], got ${progress}`);
  }
}

export function checkPageSize(path: string, limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid(path, `must be an integer in [1, ${max}], got ${limit}`);
  }
}

export function checkListLimit(limit: number): void {
  checkPageSize('/limit', limit, MAX_PAGE_SIZE);
}

export function checkLogLimit(limit: number): void {
  checkPageSize('/limit', limit, MAX_LOG_PAGE);
}

/** A date bound of a query as the instant the store compares with (`toISOString` form). */
export function instantBound(path: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = parseIsoInstant(text);
  if (time === null) throw invalid(path, `'${text}' is not an ISO date or date-time`);
  return new Date(time).toISOString();
}

/**
 * Lines as every adapter stores them: numbered from `firstSeq`, the time as `toISOString` writes
 * it (so all adapters read back the same text), the message cut to MAX_LOG_MESSAGE.
 */
export function storedLogLines(
  backtestId: string,
  firstSeq: number,
  lines: readonly NewLogLine[],
): ExecutionLogLine[] {
  return lines.map((line, i) => {
    const time = Date.parse(line.ts);
    if (Number.isNaN(time)) throw invalid(`/lines/${i}/ts`, `'${line.ts}' is not a date-time`);
    if (!(LOG_LEVELS as readonly string[]).includes(line.level)) {
      throw invalid(`/lines/${i}/level`, `must be one of ${LOG_LEVELS.join(', ')}`);
    }
    return {
      backtestId,
      seq: firstSeq + i,
      ts: new Date(time).toISOString(),
      level: line.level,
      message: line.message.slice(0, MAX_LOG_MESSAGE),
    };
  });
}
