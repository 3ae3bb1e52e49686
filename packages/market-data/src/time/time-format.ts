import { DAY_MS } from './timeframes.js';

/**
 * A timestamp as people read it in messages and tables: `2004-08-19` at midnight UTC, otherwise
 * `2017-04-19 09:00` (or with seconds and milliseconds when they are not zero). Always UTC.
 */
export function formatTime(time: number): string {
  if (!Number.isFinite(time)) return String(time);
  const iso = new Date(time).toISOString();
  if (time % DAY_MS === 0) return iso.slice(0, 10);
  if (time % 60_000 === 0) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  if (time % 1000 === 0) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
