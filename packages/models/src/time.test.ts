import { describe, expect, it } from 'vitest';
import { endBound, parseIsoInstant } from './time.js';

describe('parseIsoInstant', () => {
  it.each([
    // Expected values: Date.UTC by hand for the same fields.
    ['2004-08-19', Date.UTC(2004, 7, 19)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2020-01-01T09:30:00-05:00', Date.UTC(2020, 0, 1, 14, 30)],
    ['2020-01-01T09:30Z', Date.UTC(2020, 0, 1, 9, 30)],
    ['2020-01-01T00:00:00.250Z', Date.UTC(2020, 0, 1, 0, 0, 0, 250)],
  ])('reads %s', (text, expected) => {
    expect(parseIsoInstant(text)).toBe(expected);
  });

  it.each([
    '2023-02-29',
    '2020-13-01',
    '2020-04-31',
    '2020-01-01T24:00:00Z',
    '2020-01-01T12:60:00Z',
    '2020-01-01T10:00',
    '2020-01-01 10:00Z',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});

describe('endBound: the exclusive bound of an inclusive end', () => {
  it('takes every instant of a calendar date', () => {
    expect(endBound('2013-03-01')).toBe(Date.UTC(2013, 2, 2));
  });

  it('takes a date-time itself and nothing after it', () => {
    expect(endBound('2013-03-01T00:00:00Z')).toBe(Date.UTC(2013, 2, 1) + 1);
    expect(endBound('2020-01-01T09:30:00-05:00')).toBe(Date.UTC(2020, 0, 1, 14, 30) + 1);
  });

  it('refuses what parseIsoInstant refuses', () => {
    expect(endBound('2023-02-29')).toBeNull();
  });
});
