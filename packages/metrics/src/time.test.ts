import { describe, expect, it } from 'vitest';
import { epochDay, MS_PER_DAY, monthIndex, weekday } from './time.js';

describe('calendar arithmetic agrees with Date', () => {
  it('epochDay, weekday and monthIndex over 1900..2100, every 97 days', () => {
    for (let day = -25_567; day < 47_482; day += 97) {
      const date = new Date(day * MS_PER_DAY + 12 * 3_600_000);
      expect(epochDay(date.getTime())).toBe(day);
      expect(weekday(day)).toBe((date.getUTCDay() + 6) % 7);
      expect(monthIndex(day)).toBe(date.getUTCFullYear() * 12 + date.getUTCMonth());
    }
  });

  it('handles month ends and leap days', () => {
    const day = (iso: string) => epochDay(Date.parse(`${iso}T00:00:00Z`));
    expect(monthIndex(day('2024-02-29'))).toBe(2024 * 12 + 1);
    expect(monthIndex(day('2024-03-01'))).toBe(2024 * 12 + 2);
    expect(monthIndex(day('2000-12-31'))).toBe(2000 * 12 + 11);
    expect(weekday(day('1970-01-01'))).toBe(3); // a Thursday
    expect(weekday(day('1969-12-28'))).toBe(6); // a Sunday, before the epoch
  });
});
