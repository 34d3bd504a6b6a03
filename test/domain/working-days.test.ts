import { describe, expect, it } from 'vitest';
import { VN_HOLIDAYS } from '../../domain/holidays';
import {
  addWorkingDays,
  createCalendar,
  endOfLocalDay,
  HolidayCalendarMissingError,
  InvalidHolidayDataError,
  InvalidWorkingDaysError,
  isWorkingDay,
  localDateOf,
  receptionDay,
  workingDaysBetween,
} from '../../domain/working-days';

const cal = createCalendar(VN_HOLIDAYS);
/** An instant given in Vietnam local time. */
const vn = (local: string) => new Date(`${local}+07:00`);
const deadline = (start: string, days: number) => localDateOf(addWorkingDays(vn(start), days, cal));

describe('holiday data', () => {
  it('covers 2025–2027 with the fixed-date holidays and marks approximations', () => {
    for (const y of VN_HOLIDAYS) {
      expect(y.country).toBe('VN');
      for (const h of y.holidays) {
        expect(h.date.startsWith(`${y.year}-`)).toBe(true);
        expect(typeof h.approximate).toBe('boolean');
      }
    }
    const dates = new Set(VN_HOLIDAYS.flatMap((y) => y.holidays.map((h) => h.date)));
    for (const d of ['2025-01-01', '2025-01-29', '2025-04-07', '2025-04-30', '2025-05-01', '2025-09-02', '2025-09-01', '2026-02-17', '2026-04-30', '2026-09-02', '2027-02-08', '2027-04-30']) {
      expect(dates.has(d)).toBe(true);
    }
    expect(VN_HOLIDAYS.flatMap((y) => y.holidays).filter((h) => h.approximate).length).toBeGreaterThan(0);
  });

  it('rejects a holiday filed under the wrong year', () => {
    expect(() => createCalendar([{ country: 'VN', year: 2025, holidays: [{ date: '2026-01-01', name: 'x' }] }])).toThrow(InvalidHolidayDataError);
  });
});

describe('working days', () => {
  it('knows weekends, holidays and make-up working Saturdays', () => {
    expect(isWorkingDay('2026-03-09', cal)).toBe(true); // Monday
    expect(isWorkingDay('2026-03-14', cal)).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-15', cal)).toBe(false); // Sunday
    expect(isWorkingDay('2025-09-02', cal)).toBe(false); // National Day
    expect(isWorkingDay('2025-04-26', cal)).toBe(true); // Saturday worked in exchange for 2 May
    expect(isWorkingDay(vn('2026-02-17T10:00:00'), cal)).toBe(false); // Lunar New Year
    // 23:30 UTC on Sunday is already Monday in Vietnam.
    expect(isWorkingDay(new Date('2026-03-08T23:30:00Z'), cal)).toBe(true);
  });

  it('counts a dossier received after 15:00 or on a day off from the next working day', () => {
    expect(receptionDay(vn('2026-03-09T14:59:59'), cal)).toBe('2026-03-09');
    expect(receptionDay(vn('2026-03-09T15:00:00'), cal)).toBe('2026-03-10');
    expect(receptionDay(vn('2026-03-13T16:00:00'), cal)).toBe('2026-03-16'); // Friday evening → Monday
    expect(receptionDay(vn('2026-03-14T09:00:00'), cal)).toBe('2026-03-16'); // Saturday → Monday
    expect(receptionDay(vn('2026-02-16T09:00:00'), cal)).toBe('2026-02-23'); // Tết week → after the break
    // 08:30 UTC is 15:30 local: already the next day's dossier.
    expect(receptionDay(new Date('2026-03-09T08:30:00Z'), cal)).toBe('2026-03-10');
  });

  it('adds working days from the reception day and ends the deadline at 23:59:59.999 local', () => {
    const end = addWorkingDays(vn('2026-03-09T10:00:00'), 3, cal);
    expect(end.toISOString()).toBe('2026-03-12T16:59:59.999Z');
    expect(end).toEqual(endOfLocalDay('2026-03-12'));
    expect(deadline('2026-03-09T10:00:00', 0)).toBe('2026-03-09'); // same working day
    expect(deadline('2026-03-09T15:30:00', 0)).toBe('2026-03-10');
    expect(deadline('2026-03-09T15:30:00', 3)).toBe('2026-03-13');
    expect(deadline('2026-03-12T10:00:00', 2)).toBe('2026-03-16'); // over a weekend
    expect(deadline('2026-03-13T16:00:00', 2)).toBe('2026-03-18');
  });

  it('skips public holidays', () => {
    expect(deadline('2025-04-29T10:00:00', 3)).toBe('2025-05-07'); // 30/4, 1/5, swapped 2/5 and the weekend
    expect(deadline('2026-02-13T09:00:00', 1)).toBe('2026-02-23'); // Lunar New Year 2026
    expect(deadline('2026-04-24T09:00:00', 2)).toBe('2026-04-29'); // Hung Kings' compensatory Monday 27/4
    expect(deadline('2025-08-29T09:00:00', 1)).toBe('2025-09-03'); // National Day 1–2 Sep
  });

  it('crosses the year boundary', () => {
    expect(deadline('2025-12-31T10:00:00', 2)).toBe('2026-01-05'); // 1 Jan off, 2 Jan, weekend, 5 Jan
    expect(deadline('2026-12-31T16:00:00', 1)).toBe('2027-01-05'); // received after 15:00 → 4 Jan, +1
    expect(receptionDay(new Date('2025-12-31T17:30:00Z'), cal)).toBe('2026-01-02'); // 00:30 local on New Year's Day
  });

  it('measures the working days between two instants', () => {
    const a = vn('2026-03-09T10:00:00');
    for (const n of [0, 1, 2, 3, 5, 9, 12, 40]) expect(workingDaysBetween(a, addWorkingDays(a, n, cal), cal)).toBe(n);
    expect(workingDaysBetween(vn('2026-03-13T10:00:00'), vn('2026-03-16T10:00:00'), cal)).toBe(1);
    expect(workingDaysBetween(vn('2026-03-16T10:00:00'), vn('2026-03-13T10:00:00'), cal)).toBe(-1);
    expect(workingDaysBetween(vn('2026-02-13T10:00:00'), vn('2026-02-23T10:00:00'), cal)).toBe(1);
  });

  it('refuses years without holiday data unless told to use weekends only', () => {
    expect(() => addWorkingDays(vn('2028-03-01T10:00:00'), 2, cal)).toThrow(HolidayCalendarMissingError);
    expect(() => addWorkingDays(vn('2027-12-30T10:00:00'), 3, cal)).toThrow(/2028/);
    const loose = createCalendar(VN_HOLIDAYS, { outOfRange: 'weekends-only' });
    expect(localDateOf(addWorkingDays(vn('2028-03-01T10:00:00'), 2, loose))).toBe('2028-03-03');
  });

  it('judges every day from 1899 to 2101 as the civil calendar does: weekday, holiday, make-up day, year', () => {
    // The calendar judges days by number, without Date; checked here against Date's own calendar, day by day.
    const holidays = new Set(VN_HOLIDAYS.flatMap((y) => y.holidays.map((h) => h.date)));
    const makeUp = new Set(VN_HOLIDAYS.flatMap((y) => (y.workingWeekendDays ?? []).map((w) => w.date)));
    const years = new Set(VN_HOLIDAYS.map((y) => y.year));
    const loose = createCalendar(VN_HOLIDAYS, { outOfRange: 'weekends-only' });
    let checked = 0;
    for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const weekday = new Date(t).getUTCDay();
      const expected = holidays.has(iso) ? false : weekday === 0 || weekday === 6 ? makeUp.has(iso) : true;
      expect(isWorkingDay(iso, loose)).toBe(expected);
      if (years.has(new Date(t).getUTCFullYear())) expect(isWorkingDay(iso, cal)).toBe(expected);
      else expect(() => isWorkingDay(iso, cal)).toThrow(HolidayCalendarMissingError);
      checked++;
    }
    expect(checked).toBe(74_144); // 203 years, 1900 and 2100 not leap years
  });

  it('rejects negative or fractional day counts', () => {
    expect(() => addWorkingDays(vn('2026-03-09T10:00:00'), -1, cal)).toThrow(InvalidWorkingDaysError);
    expect(() => addWorkingDays(vn('2026-03-09T10:00:00'), 1.5, cal)).toThrow(InvalidWorkingDaysError);
  });
});
