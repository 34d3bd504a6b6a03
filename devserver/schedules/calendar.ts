/**
 * Calendar specs (after Temporal's `service/worker/scheduler/calendar.go`): range strings ("1-5/2,8", month and
 * weekday names) to structured ranges, cron strings (5, 6 or 7 fields, @hourly…, @every, CRON_TZ=) to
 * structured calendars or intervals, and the next matching second in a time zone (Node's ICU through Intl).
 */

export interface Range {
  start: number;
  end: number;
  step: number;
}

/** temporal.api.schedule.v1.StructuredCalendarSpec as plain numbers. */
export interface StructuredCalendar {
  second: Range[];
  minute: Range[];
  hour: Range[];
  dayOfMonth: Range[];
  month: Range[];
  year: Range[];
  dayOfWeek: Range[];
  comment: string;
}

/** temporal.api.schedule.v1.CalendarSpec: each field a range string ('' = the field's default). */
export interface CalendarStrings {
  second?: string;
  minute?: string;
  hour?: string;
  dayOfMonth?: string;
  month?: string;
  year?: string;
  dayOfWeek?: string;
  comment?: string;
}

export interface ParsedInterval {
  intervalMs: number;
  phaseMs: number;
}

export class SpecError extends Error {}

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Mode = 'int' | 'month' | 'dow';

function parseValue(s: string, min: number, max: number, mode: Mode, field: string): number {
  const lower = s.toLowerCase();
  const names = mode === 'month' ? MONTHS : mode === 'dow' ? WEEKDAYS : null;
  if (names && lower.length >= (mode === 'month' ? 3 : 2)) {
    const i = names.findIndex((n) => n.startsWith(lower));
    if (i >= 0) return mode === 'month' ? i + 1 : i;
  }
  if (!/^\d+$/.test(s)) throw new SpecError(`${field}: "${s}" is not a number`);
  const v = Number(s);
  if (v < min || v > max) throw new SpecError(`${field}: ${v} is out of range [${min}-${max}]`);
  return v;
}

/** "*", "x", "x-z", "x-z/y", "x/y", "j,k,l" → ranges (end 0 = start, step 0 = 1, as Temporal stores them). */
export function parseRanges(s: string | undefined, def: string, min: number, max: number, mode: Mode, field: string): Range[] {
  const text = (s ?? '').trim() || def;
  return text.split(',').map((raw) => {
    let part = raw.trim();
    let step = 1;
    let hasStep = false;
    if (part.includes('/')) {
      const pieces = part.split('/');
      if (pieces.length !== 2 || !/^\d+$/.test(pieces[1]) || Number(pieces[1]) < 1) throw new SpecError(`${field}: malformed step in "${raw}"`);
      part = pieces[0];
      step = Number(pieces[1]);
      hasStep = true;
    }
    let start = min;
    let end = max;
    if (part !== '*') {
      if (part.includes('-')) {
        const pieces = part.split('-');
        if (pieces.length !== 2) throw new SpecError(`${field}: malformed range "${raw}"`);
        start = parseValue(pieces[0], min, max, mode, field);
        end = parseValue(pieces[1], start, max, mode, field);
      } else {
        start = parseValue(part, min, max, mode, field);
        if (!hasStep) end = start;
      }
    }
    return { start, end: start === end ? 0 : end, step: step === 1 ? 0 : step };
  });
}

export function calendarToStructured(c: CalendarStrings): StructuredCalendar {
  return {
    second: parseRanges(c.second, '0', 0, 59, 'int', 'second'),
    minute: parseRanges(c.minute, '0', 0, 59, 'int', 'minute'),
    hour: parseRanges(c.hour, '0', 0, 23, 'int', 'hour'),
    dayOfMonth: parseRanges(c.dayOfMonth, '*', 1, 31, 'int', 'dayOfMonth'),
    month: parseRanges(c.month, '*', 1, 12, 'month', 'month'),
    year: parseRanges(c.year, '*', MIN_YEAR, MAX_YEAR, 'int', 'year'),
    dayOfWeek: parseRanges(c.dayOfWeek, '*', 0, 7, 'dow', 'dayOfWeek'),
    comment: c.comment ?? '',
  };
}

const PREDEFINED: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Go-style duration ("1h30m", "90s", "1.5h", "500ms") in milliseconds. */
export function parseGoDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]];
    pos = re.lastIndex;
  }
  if (!s || pos !== s.length) throw new SpecError(`invalid duration "${s}"`);
  return Math.round(total);
}

/** A cron string → a calendar or an interval, and the time zone it names (CRON_TZ= / TZ=, '' when none). */
export function parseCronString(cron: string, comment = ''): { calendar?: StructuredCalendar; interval?: ParsedInterval; timezone: string } {
  let c = cron.trim();
  let timezone = '';
  if (c.startsWith('TZ=') || c.startsWith('CRON_TZ=')) {
    const sp = c.indexOf(' ');
    if (sp < 0) throw new SpecError(`malformed cron string "${cron}"`);
    timezone = c.slice(c.indexOf('=') + 1, sp);
    c = c.slice(sp + 1).trim();
  }
  if (c.startsWith('@every')) {
    const [, arg] = c.split(/\s+/, 2);
    if (!arg) throw new SpecError(`malformed cron string "${cron}"`);
    const [iv, phase] = arg.split('/');
    return { interval: { intervalMs: parseGoDuration(iv), phaseMs: phase ? parseGoDuration(phase) : 0 }, timezone: '' };
  }
  c = PREDEFINED[c] ?? c;
  const f = c.split(/\s+/);
  const cal: CalendarStrings = { comment };
  if (f.length === 5) [cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek] = f;
  else if (f.length === 6) [cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek, cal.year] = f;
  else if (f.length === 7) [cal.second, cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek, cal.year] = f;
  else throw new SpecError(`malformed cron string "${cron}": expected 5, 6 or 7 fields`);
  return { calendar: calendarToStructured(cal), timezone };
}

export function validateStructured(c: StructuredCalendar): void {
  const check = (rs: Range[], field: string, min: number, max: number) => {
    for (const r of rs) {
      if (r.start < min || r.start > max) throw new SpecError(`${field} start ${r.start} is not in range [${min}-${max}]`);
      if (r.end !== 0 && (r.end < r.start || r.end > max)) throw new SpecError(`${field} end ${r.end} is before start or not in range [${min}-${max}]`);
      if (r.step < 0) throw new SpecError(`${field} has an invalid step`);
    }
  };
  check(c.second, 'second', 0, 59);
  check(c.minute, 'minute', 0, 59);
  check(c.hour, 'hour', 0, 23);
  check(c.dayOfMonth, 'dayOfMonth', 1, 31);
  check(c.month, 'month', 1, 12);
  check(c.year, 'year', MIN_YEAR, MAX_YEAR);
  check(c.dayOfWeek, 'dayOfWeek', 0, 7);
}

// ---- time zones (Intl) ----

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws SpecError for a time zone name ICU does not know ('' and 'UTC' are UTC). */
export function checkTimezone(tz: string): void {
  if (!tz) return;
  try {
    formatter(tz);
  } catch {
    throw new SpecError(`unknown time zone "${tz}"`);
  }
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wallOf(ms: number, tz: string): Wall {
  if (!tz || tz === 'UTC') {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
  }
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

const wallUtc = (w: Wall) => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);

/** The instant of a wall-clock time in `tz` (for a time skipped by a DST change, an instant of another hour). */
function instantOf(w: Wall, tz: string): number {
  const guess = wallUtc(w);
  if (!tz || tz === 'UTC') return guess;
  const offset = (ms: number) => wallUtc(wallOf(ms, tz)) - Math.floor(ms / 1000) * 1000;
  let t = guess - offset(guess);
  const second = offset(t);
  if (guess - second !== t) t = guess - second;
  return t;
}

function daysInMonth(mo: number, y: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function matcher(ranges: Range[], dow = false): (v: number) => boolean {
  const set = new Set<number>();
  for (const r of ranges) {
    const step = r.step || 1;
    const end = r.end < r.start ? r.start : r.end;
    for (let v = r.start; v <= end; v += step) set.add(dow && v === 7 ? 0 : v);
  }
  return (v) => set.has(v);
}

export class CompiledCalendar {
  private readonly year: (v: number) => boolean;
  private readonly month: (v: number) => boolean;
  private readonly dom: (v: number) => boolean;
  private readonly dow: (v: number) => boolean;
  private readonly hour: (v: number) => boolean;
  private readonly minute: (v: number) => boolean;
  private readonly second: (v: number) => boolean;

  constructor(
    cal: StructuredCalendar,
    private readonly tz: string,
  ) {
    // A missing year matches every year (the client encodes year '*' as no range).
    this.year = cal.year.length ? matcher(cal.year) : () => true;
    this.month = matcher(cal.month);
    this.dom = matcher(cal.dayOfMonth);
    this.dow = matcher(cal.dayOfWeek, true);
    this.hour = matcher(cal.hour);
    this.minute = matcher(cal.minute);
    this.second = matcher(cal.second);
  }

  matches(ms: number): boolean {
    const w = wallOf(ms, this.tz);
    const weekday = new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
    return this.year(w.y) && this.month(w.mo) && this.dom(w.d) && this.dow(weekday) && this.hour(w.h) && this.minute(w.mi) && this.second(w.s);
  }

  /** The first matching whole second strictly after `afterMs`, or null (none before MAX_YEAR). */
  next(afterMs: number): number | null {
    let { y, mo, d, h, mi, s } = wallOf(afterMs, this.tz);
    s++;
    for (;;) {
      if (s >= 60) [mi, s] = [mi + 1, 0];
      if (mi >= 60) [h, mi] = [h + 1, 0];
      if (h >= 24) [d, h] = [d + 1, 0];
      if (d > daysInMonth(mo, y)) [mo, d] = [mo + 1, 1];
      if (mo > 12) [y, mo] = [y + 1, 1];
      if (y > MAX_YEAR) return null;
      if (!this.year(y)) {
        [y, mo, d, h, mi, s] = [y + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (!this.month(mo)) {
        [mo, d, h, mi, s] = [mo + 1, 1, 0, 0, 0];
        continue;
      }
      if (!this.dom(d) || !this.dow(new Date(Date.UTC(y, mo - 1, d)).getUTCDay())) {
        [d, h, mi, s] = [d + 1, 0, 0, 0];
        continue;
      }
      if (!this.hour(h)) {
        [h, mi, s] = [h + 1, 0, 0];
        continue;
      }
      if (!this.minute(mi)) {
        [mi, s] = [mi + 1, 0];
        continue;
      }
      if (!this.second(s)) {
        s++;
        continue;
      }
      const t = instantOf({ y, mo, d, h, mi, s }, this.tz);
      // A wall time skipped by a DST change does not exist: go on with the next hour (as Temporal does).
      if (wallOf(t, this.tz).h !== h) {
        [h, mi, s] = [h + 1, 0, 0];
        continue;
      }
      if (t <= afterMs) {
        s++;
        continue;
      }
      return t;
    }
  }
}
