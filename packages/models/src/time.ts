import { ISO_DATE_PATTERN } from './schemas/common.js';

// The whole text must match: Date.parse would read a date-time without an offset in local time.
const ISO_DATE = new RegExp(ISO_DATE_PATTERN);
const DATE_PARTS = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * Epoch milliseconds of an ISO date (`2004-08-19`, read as UTC midnight) or date-time with an
 * offset; null for text that is not one or names a day the calendar lacks (`2023-02-29`).
 */
export function parseIsoInstant(text: string): number | null {
  const parts = ISO_DATE.test(text) ? DATE_PARTS.exec(text) : null;
  if (!parts) return null;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!exists || Number(parts[4] ?? 0) > 23 || Number(parts[5] ?? 0) > 59) return null;
  if (Number(parts[6] ?? 0) > 59) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The exclusive bound of an inclusive `end`, so that [start, bound) is the half-open span the
 * caches and loaders take: a calendar-date end includes that whole day, as a person reading
 * `2013-03-01` expects; a date-time end includes a bar at exactly that instant. Every `end` of
 * the api and the CLI (a backtest's, the bars endpoint's, `hindsight run --end`) is read by this
 * one function. null for text that parseIsoInstant refuses.
 */
export function endBound(end: string): number | null {
  const last = parseIsoInstant(end);
  if (last === null) return null;
  return last + (DATE_ONLY.test(end) ? DAY_MS : 1);
}

/** The current instant as the store writes it. */
export function nowIso(): string {
  return new Date().toISOString();
}
