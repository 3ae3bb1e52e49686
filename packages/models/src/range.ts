import { createError } from './errors.js';
import { parseIsoInstant } from './time.js';

/** One end of a range a client gave: the field it came in, its text, and the instant it means. */
export interface RangeEnd {
  field: string;
  text: string;
  /** Epoch milliseconds as the caller reads the field (an inclusive end may read to day's end). */
  at: number;
}

/**
 * A field holding an ISO date or date-time, read with `read` (parseIsoInstant unless the caller
 * reads an inclusive end); HS_ERR_VALIDATION naming the field when the date is not in the
 * calendar (`2023-02-29`), which a pattern cannot tell.
 */
export function rangeEnd(
  field: string,
  text: string,
  read: (text: string) => number | null = parseIsoInstant,
): RangeEnd {
  const at = read(text);
  if (at === null) {
    const issue = { path: `/${field}`, message: `'${text}' is not a calendar date` };
    throw createError(
      'HS_ERR_VALIDATION',
      { reason: `${issue.path} ${issue.message}` },
      { details: { issues: [issue] } },
    );
  }
  return { field, text, at };
}

/**
 * The one rule of every range a client gives - a backtest's start/end, the bars' start/end,
 * analytics' from/to, a list's createdFrom/createdTo: its end must come after its start, else
 * HS_ERR_END_BEFORE_START naming both fields. An empty or reversed range is a mistake to point
 * out, not a question whose answer is zero rows.
 */
export function assertEndAfterStart(start: RangeEnd, end: RangeEnd): void {
  if (end.at <= start.at) {
    throw createError('HS_ERR_END_BEFORE_START', {
      endField: end.field,
      end: end.text,
      startField: start.field,
      start: start.text,
    });
  }
}
