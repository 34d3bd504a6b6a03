/**
 * A schedule's spec (after Temporal's `spec.go`): calendars, cron strings and intervals are canonicalized into
 * structured calendars and intervals in one time zone; the next action time is the earliest match after a
 * given time, within start/end, not excluded, plus a deterministic jitter that never passes the following match.
 */
import { durFromMs, msFromDur, tsFromMs, type TemporalTypes } from '../proto';
import {
  calendarToStructured,
  checkTimezone,
  CompiledCalendar,
  parseCronString,
  SpecError,
  validateStructured,
  type ParsedInterval,
  type Range,
  type StructuredCalendar,
} from './calendar';

type IScheduleSpec = TemporalTypes.api.schedule.v1.IScheduleSpec;
type IStructured = TemporalTypes.api.schedule.v1.IStructuredCalendarSpec;

/** The canonical spec, JSON-safe (kept in the schedule's stored state). */
export interface CanonicalSpec {
  calendars: StructuredCalendar[];
  excludes: StructuredCalendar[];
  intervals: ParsedInterval[];
  startMs: number | null;
  endMs: number | null;
  jitterMs: number;
  timezone: string;
}

const ranges = (rs: TemporalTypes.api.schedule.v1.IRange[] | null | undefined): Range[] =>
  (rs ?? []).map((r) => ({ start: r.start ?? 0, end: r.end ?? 0, step: r.step ?? 0 }));

function fromStructured(s: IStructured): StructuredCalendar {
  const c: StructuredCalendar = {
    second: ranges(s.second),
    minute: ranges(s.minute),
    hour: ranges(s.hour),
    dayOfMonth: ranges(s.dayOfMonth),
    month: ranges(s.month),
    year: ranges(s.year),
    dayOfWeek: ranges(s.dayOfWeek),
    comment: s.comment ?? '',
  };
  validateStructured(c);
  return c;
}

/** Parses and validates a ScheduleSpec; throws SpecError naming what is wrong. */
export function canonicalizeSpec(spec: IScheduleSpec | null | undefined): CanonicalSpec {
  const s = spec ?? {};
  if (s.timezoneData && s.timezoneData.length > 0) throw new SpecError('timezoneData is not supported: name a time zone in timezoneName');
  const calendars = (s.structuredCalendar ?? []).map(fromStructured);
  for (const c of s.calendar ?? []) calendars.push(calendarToStructured(c as Record<string, string>));
  const excludes = (s.excludeStructuredCalendar ?? []).map(fromStructured);
  for (const c of s.excludeCalendar ?? []) excludes.push(calendarToStructured(c as Record<string, string>));
  const intervals: ParsedInterval[] = (s.interval ?? []).map((iv) => ({ intervalMs: msFromDur(iv.interval), phaseMs: msFromDur(iv.phase) }));
  let timezone = s.timezoneName ?? '';
  let cronTz: string | null = null;
  for (const cron of s.cronString ?? []) {
    const parsed = parseCronString(cron);
    if (cronTz !== null && parsed.timezone !== cronTz) throw new SpecError('conflicting time zone names in cron strings');
    cronTz = parsed.timezone;
    if (parsed.calendar) calendars.push(parsed.calendar);
    if (parsed.interval) intervals.push(parsed.interval);
  }
  if (cronTz) {
    if (timezone && timezone !== cronTz) throw new SpecError(`cron string time zone ${cronTz} conflicts with timezoneName ${timezone}`);
    timezone = cronTz;
  }
  checkTimezone(timezone);
  for (const iv of intervals) {
    if (iv.intervalMs < 1000) throw new SpecError('interval is too small (minimum 1s)');
    if (iv.phaseMs < 0) throw new SpecError('phase is negative');
    if (iv.phaseMs >= iv.intervalMs) throw new SpecError('phase cannot be greater than interval');
  }
  const startMs = s.startTime ? msFromDur(s.startTime) : null;
  const endMs = s.endTime ? msFromDur(s.endTime) : null;
  return { calendars, excludes, intervals, startMs, endMs, jitterMs: msFromDur(s.jitter), timezone };
}

const rangesProto = (rs: Range[]) => rs.map((r) => ({ start: r.start, end: r.end, step: r.step }));
const structuredProto = (c: StructuredCalendar) => ({
  second: rangesProto(c.second),
  minute: rangesProto(c.minute),
  hour: rangesProto(c.hour),
  dayOfMonth: rangesProto(c.dayOfMonth),
  month: rangesProto(c.month),
  year: rangesProto(c.year),
  dayOfWeek: rangesProto(c.dayOfWeek),
  comment: c.comment,
});

/** The canonical form as the ScheduleSpec describe and list answer (calendars and cron strings compiled). */
export function specProto(c: CanonicalSpec): IScheduleSpec {
  return {
    structuredCalendar: c.calendars.map(structuredProto),
    excludeStructuredCalendar: c.excludes.map(structuredProto),
    interval: c.intervals.map((iv) => ({ interval: durFromMs(iv.intervalMs), phase: durFromMs(iv.phaseMs) })),
    startTime: c.startMs != null ? tsFromMs(c.startMs) : null,
    endTime: c.endMs != null ? tsFromMs(c.endMs) : null,
    jitter: c.jitterMs ? durFromMs(c.jitterMs) : null,
    timezoneName: c.timezone,
  } as unknown as IScheduleSpec;
}

/** 32-bit FNV-1a: a stable hash for the jitter of one nominal time. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface NextTime {
  /** The matching time before jitter (the slot: names the workflow id). */
  nominal: number;
  /** When the action is taken (nominal + jitter). */
  next: number;
}

export class CompiledSpec {
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];

  constructor(
    readonly spec: CanonicalSpec,
    private readonly jitterSeed: string,
  ) {
    this.calendars = spec.calendars.map((c) => new CompiledCalendar(c, spec.timezone));
    this.excludes = spec.excludes.map((c) => new CompiledCalendar(c, spec.timezone));
  }

  /** Earliest match (whole seconds) strictly after `after`, or null. */
  private rawNext(after: number): number | null {
    let best = Infinity;
    for (const c of this.calendars) {
      const n = c.next(after);
      if (n != null && n < best) best = n;
    }
    const ts = Math.floor(after / 1000);
    for (const iv of this.spec.intervals) {
      const interval = Math.max(1, Math.floor(iv.intervalMs / 1000));
      const phase = Math.floor(iv.phaseMs / 1000);
      const n = (Math.floor((ts - phase) / interval) + 1) * interval + phase;
      if (n * 1000 < best) best = n * 1000;
    }
    return best === Infinity ? null : best;
  }

  /** The next action after `after` (nominal and jittered), or null when the schedule has no more times. */
  next(after: number): NextTime | null {
    const { startMs, endMs } = this.spec;
    let from = startMs != null && after < startMs ? startMs - 1000 : after;
    let nominal: number | null = null;
    for (let guard = 0; guard < 100_000; guard++) {
      nominal = this.rawNext(from);
      if (nominal == null || (endMs != null && nominal > endMs)) return null;
      if (!this.excludes.some((x) => x.matches(nominal!))) break;
      from = nominal;
    }
    if (nominal == null) return null;
    let maxJitter = this.spec.jitterMs;
    const following = this.rawNext(nominal);
    if (following != null) maxJitter = Math.min(maxJitter, following - nominal);
    const jitter = maxJitter > 0 ? Math.floor((fnv1a(`${nominal}${this.jitterSeed}`) * Math.min(maxJitter, 0xffffffff)) / 2 ** 32) : 0;
    return { nominal, next: nominal + jitter };
  }

  /** Up to `n` action times after `after`. */
  times(after: number, n: number, until = Infinity): NextTime[] {
    const out: NextTime[] = [];
    let t = after;
    while (out.length < n) {
      const nt = this.next(t);
      if (!nt || nt.next > until) break;
      out.push(nt);
      t = nt.next;
    }
    return out;
  }
}

export { SpecError };
