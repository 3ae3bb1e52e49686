/**
 * ISO 8601 dates and date-times read straight from bytes (no string per field), for the CSV
 * parser's hot loop: `2004-08-19`, `2017-04-19 09:00`, `2017-04-19T09:00:00.250`, each optionally
 * followed by `Z` or an offset (`+02:00`, `+0200`, `-05`).
 */

const ZERO = 48;
const DAY_MS = 86_400_000;
/** Bytes of `YYYY-MM-DD HH:MM:SS`, the shape `sameDateTime` reads. */
export const DATE_TIME_LENGTH = 19;

/** Days from 1970-01-01 to the civil date (proleptic Gregorian): H. Hinnant's `days_from_civil`. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses one timestamp. After `parse` returns a number, `explicitZone` says whether the text named
 * its own offset (then the result is the exact instant) or not (then it is the wall-clock time
 * written as UTC, for the caller to place in a zone). Returns NaN for anything that is not ISO.
 */
export class IsoTimeParser {
  explicitZone = false;
  // Rows of intraday files share their date: the last date's text and value are kept.
  private readonly lastDate = new Uint8Array(10);
  private lastDateMs = Number.NaN;

  parse(bytes: Uint8Array, start: number, end: number): number {
    this.explicitZone = false;
    let i = start;
    if (end - i < 10) return Number.NaN;
    let ms = this.sameDate(bytes, i) ? this.lastDateMs : this.date(bytes, i);
    if (Number.isNaN(ms)) return ms;
    i += 10;
    if (i === end) return ms;

    const separator = bytes[i];
    if (separator !== 84 /* T */ && separator !== 32 /* space */ && separator !== 116 /* t */) {
      return Number.NaN;
    }
    i++;
    if (end - i < 5 || bytes[i + 2] !== 58 /* : */) return Number.NaN;
    const hour = digits(bytes, i, 2);
    const minute = digits(bytes, i + 3, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
    ms += hour * 3_600_000 + minute * 60_000;
    i += 5;
    if (i < end && bytes[i] === 58) {
      const second = end - i >= 3 ? digits(bytes, i + 1, 2) : -1;
      if (second < 0 || second > 59) return Number.NaN;
      ms += second * 1000;
      i += 3;
      if (i < end && (bytes[i] === 46 /* . */ || bytes[i] === 44) /* , */) {
        i++;
        let scale = 100;
        const fractionStart = i;
        while (i < end && bytes[i]! >= ZERO && bytes[i]! <= ZERO + 9) {
          ms += (bytes[i]! - ZERO) * scale;
          scale /= 10;
          i++;
        }
        if (i === fractionStart) return Number.NaN;
        // Below a millisecond: dropped, as a Float64 epoch-ms timestamp cannot hold it exactly.
        ms = Math.floor(ms);
      }
    }
    if (i === end) return ms;
    return this.zone(bytes, i, end, ms);
  }

  /**
   * `YYYY-MM-DD HH:MM:SS` (or with a T) at `start`, on the date `parse` read last - nearly every
   * row of an intraday file: what `parse` gives for those 19 bytes, without its general steps; or
   * NaN for anything else (then parse the field). Whatever follows the 19 bytes is not looked at.
   */
  sameDateTime(bytes: Uint8Array, start: number): number {
    if (!this.sameDate(bytes, start)) return Number.NaN;
    const separator = bytes[start + 10];
    if (separator !== 32 && separator !== 84 && separator !== 116) return Number.NaN;
    if (bytes[start + 13] !== 58 || bytes[start + 16] !== 58) return Number.NaN;
    const hour = twoDigits(bytes, start + 11);
    const minute = twoDigits(bytes, start + 14);
    const second = twoDigits(bytes, start + 17);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
    this.explicitZone = false;
    return this.lastDateMs + hour * 3_600_000 + minute * 60_000 + second * 1000;
  }

  private sameDate(bytes: Uint8Array, start: number): boolean {
    const last = this.lastDate;
    for (let i = 0; i < 10; i++) if (bytes[start + i] !== last[i]) return false;
    return !Number.isNaN(this.lastDateMs);
  }

  private date(bytes: Uint8Array, start: number): number {
    const year = digits(bytes, start, 4);
    if (year < 0 || bytes[start + 4] !== 45 /* - */ || bytes[start + 7] !== 45) return Number.NaN;
    const month = digits(bytes, start + 5, 2);
    const day = digits(bytes, start + 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    this.lastDate.set(bytes.subarray(start, start + 10));
    this.lastDateMs = daysFromCivil(year, month, day) * DAY_MS;
    return this.lastDateMs;
  }

  private zone(bytes: Uint8Array, start: number, end: number, wall: number): number {
    const sign = bytes[start];
    if ((sign === 90 /* Z */ || sign === 122) /* z */ && start + 1 === end) {
      this.explicitZone = true;
      return wall;
    }
    if (sign !== 43 /* + */ && sign !== 45 /* - */) return Number.NaN;
    let i = start + 1;
    const hours = end - i >= 2 ? digits(bytes, i, 2) : -1;
    if (hours < 0 || hours > 14) return Number.NaN;
    i += 2;
    let minutes = 0;
    if (i < end) {
      if (bytes[i] === 58) i++;
      minutes = end - i === 2 ? digits(bytes, i, 2) : -1;
      if (minutes < 0 || minutes > 59) return Number.NaN;
      i += 2;
    }
    if (i !== end) return Number.NaN;
    this.explicitZone = true;
    const offset = (hours * 60 + minutes) * 60_000;
    return sign === 43 ? wall - offset : wall + offset;
  }
}

/** The value of the two ASCII digits at `start`, or NaN if either is not a digit. */
function twoDigits(bytes: Uint8Array, start: number): number {
  const tens = (bytes[start] ?? -1) - ZERO;
  const ones = (bytes[start + 1] ?? -1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
}

/** The value of `count` ASCII digits at `start`, or -1 if any is not a digit. */
function digits(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const byte = bytes[i];
    if (byte === undefined || byte < ZERO || byte > ZERO + 9) return -1;
    value = value * 10 + (byte - ZERO);
  }
  return value;
}

const textEncoder = new TextEncoder();

/**
 * An ISO date or date-time typed by a person (`--from 2020-01-01`): UTC unless it names an offset.
 * @returns epoch milliseconds, or NaN if the text is not ISO.
 */
export function parseIsoTime(text: string): number {
  const bytes = textEncoder.encode(text.trim());
  return new IsoTimeParser().parse(bytes, 0, bytes.length);
}
