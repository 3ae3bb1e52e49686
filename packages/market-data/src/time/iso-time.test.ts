import { describe, expect, it } from 'vitest';
import { daysFromCivil, IsoTimeParser } from './iso-time.js';

const encoder = new TextEncoder();
function parse(text: string): { time: number; explicitZone: boolean } {
  const parser = new IsoTimeParser();
  const bytes = encoder.encode(text);
  const time = parser.parse(bytes, 0, bytes.length);
  return { time, explicitZone: parser.explicitZone };
}

describe('IsoTimeParser', () => {
  // Expected instants: Date.UTC / Date.parse, the platform's independent ISO implementation.
  it.each([
    ['2004-08-19', Date.UTC(2004, 7, 19), false],
    ['2017-04-19 09:00', Date.UTC(2017, 3, 19, 9, 0), false],
    ['2017-04-19 09:00:00', Date.UTC(2017, 3, 19, 9, 0, 0), false],
    ['2017-04-19T09:00:30.250', Date.UTC(2017, 3, 19, 9, 0, 30, 250), false],
    ['2017-04-19T09:00:30.2509', Date.UTC(2017, 3, 19, 9, 0, 30, 250), false],
    ['2000-02-29', Date.UTC(2000, 1, 29), false],
    ['1969-12-31T23:59:59', Date.UTC(1969, 11, 31, 23, 59, 59), false],
    ['2017-04-19T09:00:00Z', Date.parse('2017-04-19T09:00:00Z'), true],
    ['2017-04-19T09:00:00+02:00', Date.parse('2017-04-19T09:00:00+02:00'), true],
    ['2017-04-19T09:00:00-0530', Date.parse('2017-04-19T09:00:00-05:30'), true],
    ['2017-04-19 09:00-05', Date.parse('2017-04-19T09:00:00-05:00'), true],
  ])('reads %s', (text, expected, explicitZone) => {
    expect(parse(text)).toEqual({ time: expected, explicitZone });
  });

  it.each([
    '2004-8-19',
    '2004/08/19',
    '2001-02-29',
    '2004-13-01',
    '2004-08-19 24:00',
    '2004-08-19 9:00',
    '2004-08-19T09:00:60',
    '2004-08-19T09:00:00.',
    '2004-08-19T09:00:00+15:00',
    '2004-08-19X',
    '19.08.2004',
    '',
  ])('rejects %j', (text) => {
    expect(parse(text).time).toBeNaN();
  });

  it('counts days like Date.UTC across 400 years', () => {
    for (let day = -80_000; day < 80_000; day += 97) {
      const date = new Date(day * 86_400_000);
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(
        day,
      );
    }
  });
});
