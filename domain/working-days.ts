/**
 * Deadlines in working days (Mon–Fri minus public holidays) in Vietnam time (UTC+7, no DST).
 * Pure: takes every instant as a parameter; the holiday calendar is data (./holidays/*.json).
 *
 * Counting rules (documented choices):
 * - Reception day: a dossier received on a working day before 15:00 local counts from that day; one received at or
 *   after 15:00, or on a non-working day, counts from the next working day (Decree 63/2024 cut-off).
 * - `addWorkingDays(start, n)`: day 0 is the reception day (Civil Code 2015 Art. 147: the first day of a period
 *   is not counted), so n = 0 means "the same working day" and n = 3 is the third working day after it.
 * - A deadline ends at 23:59:59.999 local on its last day (Civil Code 2015 Art. 148: a period ends at 24:00 of its
 *   last day). Electronic results issued in the evening are therefore still on time.
 */

export const VN_UTC_OFFSET_HOURS = 7;
/** Local hour from which a dossier counts from the next working day. */
export const RECEPTION_CUTOFF_HOUR = 15;

const DAY_MS = 86_400_000;
const OFFSET_MS = VN_UTC_OFFSET_HOURS * 3_600_000;

export interface HolidayEntry {
  date: string; // yyyy-mm-dd, local
  name: string;
  /** True when the date is computed or assumed, not yet decided by the government. */
  approximate?: boolean;
}

export interface HolidayYear {
  country: string;
  year: number;
  source?: string;
  holidays: readonly HolidayEntry[];
  /** Weekend days declared working days (make-up days for a swapped bridge day). */
  workingWeekendDays?: readonly { date: string; name: string }[];
}

export interface WorkingCalendar {
  readonly years: ReadonlySet<number>;
  readonly holidays: ReadonlyMap<string, HolidayEntry>;
  readonly workingWeekendDays: ReadonlySet<string>;
  /** What to do for a year with no holiday data. */
  readonly outOfRange: 'error' | 'weekends-only';
  /** The holidays and working weekend days as day numbers (days since 1970-01-01): a day's check makes no Date. */
  readonly holidayDayNumbers: ReadonlySet<number>;
  readonly workingWeekendDayNumbers: ReadonlySet<number>;
}

export class HolidayCalendarMissingError extends Error {
  readonly code = 'HOLIDAY_CALENDAR_MISSING';
  constructor(readonly year: number) {
    super(`No holiday calendar for ${year}: add domain/holidays/vn-${year}.json`);
  }
}

export class InvalidWorkingDaysError extends Error {
  readonly code = 'INVALID_WORKING_DAYS';
}

export class InvalidHolidayDataError extends Error {
  readonly code = 'INVALID_HOLIDAY_DATA';
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createCalendar(
  holidayDataList: readonly HolidayYear[],
  options: { outOfRange?: 'error' | 'weekends-only' } = {},
): WorkingCalendar {
  const years = new Set<number>();
  const holidays = new Map<string, HolidayEntry>();
  const workingWeekendDays = new Set<string>();
  for (const y of holidayDataList) {
    years.add(y.year);
    for (const h of y.holidays) {
      if (!ISO_DATE.test(h.date) || Number(h.date.slice(0, 4)) !== y.year) {
        throw new InvalidHolidayDataError(`holiday ${h.date} does not belong to ${y.year}`);
      }
      holidays.set(h.date, h);
    }
    for (const w of y.workingWeekendDays ?? []) {
      if (!ISO_DATE.test(w.date)) throw new InvalidHolidayDataError(`bad working weekend day ${w.date}`);
      workingWeekendDays.add(w.date);
    }
  }
  return {
    years,
    holidays,
    workingWeekendDays,
    outOfRange: options.outOfRange ?? 'error',
    holidayDayNumbers: new Set([...holidays.keys()].map(dayNumberOfIso)),
    workingWeekendDayNumbers: new Set([...workingWeekendDays].map(dayNumberOfIso)),
  };
}

// Days are handled as integers (days since 1970-01-01 in local time) so loops need no Date objects.
function localDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + OFFSET_MS) / DAY_MS);
}

function dayNumberOfIso(iso: string): number {
  if (!ISO_DATE.test(iso)) throw new InvalidWorkingDaysError(`not an ISO date: "${iso}"`);
  return Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS);
}

function isoOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The (proleptic Gregorian) year of a day number, by arithmetic (H. Hinnant's civil_from_days). */
function yearOfDayNumber(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

// Called for every day a deadline or a delay counts (each view of a case counts its steps' deadlines): no Date,
// no string, two set lookups.
function isWorkingDayNumber(day: number, cal: WorkingCalendar): boolean {
  if (cal.outOfRange === 'error') {
    const year = yearOfDayNumber(day);
    if (!cal.years.has(year)) throw new HolidayCalendarMissingError(year);
  }
  if (cal.holidayDayNumbers.has(day)) return false;
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  if (weekday === 0 || weekday === 6) return cal.workingWeekendDayNumbers.has(day);
  return true;
}

function nextWorkingDayNumber(day: number, cal: WorkingCalendar): number {
  let d = day;
  // Bounded: no calendar has a month without working days.
  for (let i = 0; i < 60; i++, d++) if (isWorkingDayNumber(d, cal)) return d;
  throw new InvalidHolidayDataError(`no working day in the 60 days from ${isoOfDayNumber(day)}`);
}

/** The local (UTC+7) calendar date of an instant, yyyy-mm-dd. */
export function localDateOf(instant: Date): string {
  return isoOfDayNumber(localDayNumber(instant));
}

/** A local date (yyyy-mm-dd) or an instant (judged by its local date). */
export function isWorkingDay(day: Date | string, cal: WorkingCalendar): boolean {
  return isWorkingDayNumber(typeof day === 'string' ? dayNumberOfIso(day) : localDayNumber(day), cal);
}

export function holidayOn(day: Date | string, cal: WorkingCalendar): HolidayEntry | undefined {
  return cal.holidays.get(typeof day === 'string' ? day : localDateOf(day));
}

/** The working day (yyyy-mm-dd, local) from which a dossier received at `receivedAt` is counted. */
export function receptionDay(receivedAt: Date, cal: WorkingCalendar): string {
  return isoOfDayNumber(receptionDayNumber(receivedAt, cal));
}

function receptionDayNumber(receivedAt: Date, cal: WorkingCalendar): number {
  const local = receivedAt.getTime() + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const hour = (local - day * DAY_MS) / 3_600_000;
  if (hour < RECEPTION_CUTOFF_HOUR && isWorkingDayNumber(day, cal)) return day;
  return nextWorkingDayNumber(day + 1, cal);
}

/** The instant a local day ends: 23:59:59.999 at UTC+7. */
export function endOfLocalDay(isoDate: string): Date {
  return new Date((dayNumberOfIso(isoDate) + 1) * DAY_MS - OFFSET_MS - 1);
}

/** The instant a local day starts: 00:00 at UTC+7. */
export function startOfLocalDay(isoDate: string): Date {
  return new Date(dayNumberOfIso(isoDate) * DAY_MS - OFFSET_MS);
}

/**
 * The deadline `days` working days after the reception day of `start`, as the end of that day
 * (23:59:59.999 local). `days = 0` is the end of the reception day itself.
 */
export function addWorkingDays(start: Date, days: number, cal: WorkingCalendar): Date {
  if (!Number.isInteger(days) || days < 0) {
    throw new InvalidWorkingDaysError(`working days must be a non-negative integer, got ${days}`);
  }
  let day = receptionDayNumber(start, cal);
  for (let left = days; left > 0; left--) day = nextWorkingDayNumber(day + 1, cal);
  return endOfLocalDay(isoOfDayNumber(day));
}

/**
 * Working days after the local day of `a` up to and including the local day of `b` (negative when b is earlier).
 * For a dossier received on a working day before 15:00, `workingDaysBetween(received, addWorkingDays(received, n))`
 * is n.
 */
export function workingDaysBetween(a: Date, b: Date, cal: WorkingCalendar): number {
  const da = localDayNumber(a);
  const db = localDayNumber(b);
  if (db < da) return -workingDaysBetween(b, a, cal);
  let n = 0;
  for (let d = da + 1; d <= db; d++) if (isWorkingDayNumber(d, cal)) n++;
  return n;
}

/** True when `settledAt` is on or before the deadline. */
export function isOnTime(settledAt: Date, deadline: Date): boolean {
  return settledAt.getTime() <= deadline.getTime();
}
