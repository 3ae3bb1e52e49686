import type { BacktestStatus } from './api.js';

const numberFormats = new Map<number, Intl.NumberFormat>();
function formatter(digits: number): Intl.NumberFormat {
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    numberFormats.set(digits, format);
  }
  return format;
}

/** A number, or an em dash for an undefined one (the api's null, never 0). */
export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : formatter(digits).format(value);
}

export function pct(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : `${num(value, digits)} %`;
}

/** An instant as `2026-11-22 22:50 UTC` (every time the api gives is UTC). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** A status as a word for people, with what it means. */
export const STATUS_WORDS: Record<BacktestStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
