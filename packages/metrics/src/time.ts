/** Calendar arithmetic on UTC epoch milliseconds, without Date objects in hot loops. */

export const MS_PER_DAY = 86_400_000;

/** Whole UTC days since 1970-01-01 (negative before it). */
export function epochDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** Day of the week of an epoch day, Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  // Integer remainder (day fits in int32 for any plausible date) is several times faster than a
  // floating-point one.
  const w = (((day | 0) + 3) % 7) | 0;
  return w < 0 ? w + 7 : w;
}

/** year * 12 + (month - 1) of an epoch day, by H. Hinnant's civil-from-days algorithm. */
export function monthIndex(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}
