import { describe, expect, it } from 'vitest';
import { formatTime } from './time-format.js';

describe('formatTime', () => {
  it.each([
    [Date.UTC(2004, 7, 19), '2004-08-19'],
    [Date.UTC(2017, 3, 19, 9), '2017-04-19 09:00'],
    [Date.UTC(2017, 3, 19, 9, 0, 5), '2017-04-19 09:00:05'],
    [Date.UTC(2017, 3, 19, 9, 0, 5, 250), '2017-04-19 09:00:05.250'],
    [Number.NaN, 'NaN'],
  ])('writes %d as %s (UTC, as short as exact)', (time, text) => {
    expect(formatTime(time)).toBe(text);
  });
});
