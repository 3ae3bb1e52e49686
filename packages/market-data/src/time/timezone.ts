import { MarketDataError } from '../errors.js';
import { DAY_MS } from './timeframes.js';

export class InvalidTimezoneError extends MarketDataError {
  override readonly name = 'InvalidTimezoneError';
  constructor(readonly zone: string) {
    super(`unknown timezone '${zone}' (expected an IANA name such as America/New_York)`);
  }
}

const UTC_NAMES = new Set(['utc', 'z', 'etc/utc', 'gmt', 'etc/gmt']);

/** Whether `zone` means UTC, in which case wall-clock times need no conversion. */
export function isUtcZone(zone: string | undefined): boolean {
  return zone === undefined || UTC_NAMES.has(zone.toLowerCase());
}

// No zone is more than 14 hours from UTC.
const MAX_OFFSET_MS = 14 * 3_600_000;

/**
 * Turns wall-clock times of one IANA zone into UTC, through `Intl` (no tz database of our own).
 *
 * `Intl` is slow (microseconds per call), and a file holds up to millions of rows, so the offset is
 * looked up once per local day: when the offsets 14 hours before the day starts and 14 hours after
 * it ends agree, the whole day has that offset. Only a day with a transition resolves each time on
 * its own, the way `Temporal` does by default: an ambiguous time (clocks going back) takes the
 * earlier instant, a time that does not exist (clocks going forward) moves forward by the gap.
 */
export class ZoneConverter {
  private readonly format: Intl.DateTimeFormat;
  private day = Number.NaN;
  private dayOffset: number | null = null;

  constructor(readonly zone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new InvalidTimezoneError(zone);
    }
  }

  /** `wall` is the local time written as if it were UTC; returns the real UTC instant. */
  toUtc(wall: number): number {
    const day = Math.floor(wall / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      const before = this.offsetAt(day * DAY_MS - MAX_OFFSET_MS);
      const after = this.offsetAt((day + 1) * DAY_MS + MAX_OFFSET_MS);
      this.dayOffset = before === after ? before : null;
    }
    if (this.dayOffset !== null) return wall - this.dayOffset;
    return this.resolveTransition(wall);
  }

  /** Local time minus UTC, in milliseconds, at the UTC instant `utc`. */
  offsetAt(utc: number): number {
    const second = Math.floor(utc / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let sec = 0;
    for (const part of this.format.formatToParts(second)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          sec = Number(part.value);
          break;
      }
    }
    return Date.UTC(year, month - 1, day, hour, minute, sec) - second;
  }

  private resolveTransition(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const early = wall - before;
    if (this.offsetAt(early) === before) return early;
    const late = wall - after;
    if (this.offsetAt(late) === after) return late;
    return early;
  }
}
