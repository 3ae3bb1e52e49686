import { describe, expect, it } from 'vitest';
import { InvalidTimezoneError, isUtcZone, ZoneConverter } from './timezone.js';

// US Eastern time is UTC-5 (EST) and UTC-4 (EDT); in 2021 EDT began on Sunday 14 March at 02:00
// local and ended on Sunday 7 November at 02:00 local (US Energy Policy Act of 2005 rules).
const wall = (text: string) => Date.parse(`${text}Z`);
const utc = (text: string) => Date.parse(`${text}Z`);

describe('ZoneConverter', () => {
  const newYork = new ZoneConverter('America/New_York');

  it.each([
    ['2021-01-15T09:30:00', '2021-01-15T14:30:00', 'winter: EST, UTC-5'],
    ['2021-07-15T09:30:00', '2021-07-15T13:30:00', 'summer: EDT, UTC-4'],
    ['2021-03-14T01:59:00', '2021-03-14T06:59:00', 'the minute before clocks go forward'],
    ['2021-03-14T03:00:00', '2021-03-14T07:00:00', 'the first minute after'],
    ['2021-03-14T02:30:00', '2021-03-14T07:30:00', 'a time that does not exist moves forward'],
    ['2021-11-07T01:30:00', '2021-11-07T05:30:00', 'an ambiguous time takes the earlier (EDT)'],
    ['2021-11-07T02:30:00', '2021-11-07T07:30:00', 'after clocks went back: EST'],
  ])('turns New York %s into %s UTC (%s)', (local, expected) => {
    expect(newYork.toUtc(wall(local))).toBe(utc(expected));
  });

  it('gives the same answers in any order (the per-day memo is only a memo)', () => {
    const times = ['2021-03-14T02:30:00', '2021-01-15T09:30:00', '2021-11-07T01:30:00'];
    const fresh = times.map((time) => new ZoneConverter('America/New_York').toUtc(wall(time)));
    expect(times.map((time) => newYork.toUtc(wall(time)))).toEqual(fresh);
  });

  it('handles a zone east of UTC with a half-hour offset (India, UTC+5:30, no DST)', () => {
    expect(new ZoneConverter('Asia/Kolkata').toUtc(wall('2020-06-01T09:15:00'))).toBe(
      utc('2020-06-01T03:45:00'),
    );
  });

  it('rejects unknown zones by name', () => {
    expect(() => new ZoneConverter('Mars/Olympus')).toThrow(InvalidTimezoneError);
    expect(() => new ZoneConverter('Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });

  it('knows which names mean UTC', () => {
    expect([undefined, 'UTC', 'utc', 'Z', 'Etc/UTC'].map(isUtcZone)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(isUtcZone('Europe/London')).toBe(false);
  });
});
