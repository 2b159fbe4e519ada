import { isCalendarDay } from './spend.controller';

describe('isCalendarDay', () => {
  it.each(['2026-01-31', '2024-02-29', '0001-01-01'])('accepts %s', (day) => {
    expect(isCalendarDay(day)).toBe(true);
  });
  it.each(['2026-13-45', '2026-02-30', '2025-02-29', '2026-1-01', 'today'])('refuses %s', (day) => {
    expect(isCalendarDay(day)).toBe(false);
  });
});
