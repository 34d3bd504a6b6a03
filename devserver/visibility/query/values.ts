/**
 * Conversion of query literals to typed SQL parameters, per search attribute type. Pure.
 */
import { temporal } from '../proto';
import { QueryInvalidError } from '../errors';
import { parseRfc3339, type SaType } from '../search-attributes';
import type { Literal } from './ast';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

/** Short names as Temporal prints them ("Running", "ContinuedAsNew", ...), keyed case-insensitively. */
const STATUS_BY_NAME = new Map<string, number>();
for (const [full, code] of Object.entries(Status as unknown as Record<string, number>)) {
  if (code === 0) continue;
  const short = full.replace('WORKFLOW_EXECUTION_STATUS_', '');
  STATUS_BY_NAME.set(full.toLowerCase(), code);
  STATUS_BY_NAME.set(short.toLowerCase(), code);
  STATUS_BY_NAME.set(short.replace(/_/g, '').toLowerCase(), code);
}
STATUS_BY_NAME.set('cancelled', Status.WORKFLOW_EXECUTION_STATUS_CANCELED);
const STATUS_CODES = new Set(STATUS_BY_NAME.values());

/** "Running", "ContinuedAsNew", ... for a status code. */
export function statusName(code: number): string {
  const full = (Status as unknown as Record<number, string>)[code] ?? 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED';
  return full
    .replace('WORKFLOW_EXECUTION_STATUS_', '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
}

function describe(lit: Literal): string {
  if (lit.kind === 'string') return `'${lit.value}'`;
  if (lit.kind === 'number') return lit.raw;
  return String(lit.value).toUpperCase();
}

function typeError(attr: string, type: string, lit: Literal, expected: string): never {
  throw new QueryInvalidError(
    lit.pos,
    `invalid value ${describe(lit)} for search attribute ${attr} of type ${type}: expected ${expected}`,
  );
}

export function statusValue(attr: string, lit: Literal): number {
  if (lit.kind === 'number' && lit.integer && STATUS_CODES.has(lit.value)) return lit.value;
  if (lit.kind === 'string') {
    const code = STATUS_BY_NAME.get(lit.value.toLowerCase());
    if (code !== undefined) return code;
    throw new QueryInvalidError(lit.pos, `invalid ExecutionStatus value '${lit.value}'`);
  }
  typeError(attr, 'Keyword', lit, "a status name such as 'Running' or 'Completed'");
}

/** Go-style duration ("1h30m", "250ms", "10s") or "hh:mm:ss" → nanoseconds. */
export function parseDurationNanos(s: string): number | undefined {
  const hms = /^(\d+):([0-5]?\d):([0-5]?\d)$/.exec(s);
  if (hms) return ((Number(hms[1]) * 60 + Number(hms[2])) * 60 + Number(hms[3])) * 1e9;
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  if (s === '') return undefined;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    i = re.lastIndex;
  }
  return Math.round(total);
}

export function durationValue(attr: string, lit: Literal): string {
  if (lit.kind === 'number' && lit.integer) return lit.raw;
  if (lit.kind === 'string') {
    const ns = parseDurationNanos(lit.value);
    if (ns !== undefined) return String(ns);
    throw new QueryInvalidError(lit.pos, `invalid value for search attribute ${attr}: '${lit.value}' is not a duration`);
  }
  typeError(attr, 'Int', lit, "nanoseconds or a duration such as '1h30m'");
}

/** Nanoseconds since the epoch → an RFC3339 string with microsecond precision. */
function nanosToRfc3339(raw: string): string {
  const ns = BigInt(raw);
  const ms = ns / 1_000_000n;
  const micros = ((ns % 1_000_000n) + 1_000_000n) % 1_000_000n / 1000n;
  const base = new Date(Number(ms)).toISOString().replace('Z', '');
  return `${base}${micros.toString().padStart(3, '0')}Z`;
}

/**
 * The value of `lit` as the string form of the SQL parameter for `type` (it is passed with an explicit cast).
 * Keyword → text, Int → bigint, Double → float8, Bool → boolean, Datetime → timestamptz.
 */
export function scalarValue(attr: string, type: SaType, lit: Literal): string {
  switch (type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      if (lit.kind === 'string') return lit.value;
      typeError(attr, type, lit, 'a quoted string');
    case 'Int':
      if (lit.kind === 'number' && lit.integer && Number.isSafeInteger(lit.value)) return String(lit.value);
      typeError(attr, type, lit, 'an integer');
    case 'Double':
      if (lit.kind === 'number' && Number.isFinite(lit.value)) return String(lit.value);
      typeError(attr, type, lit, 'a number');
    case 'Bool':
      if (lit.kind === 'bool') return String(lit.value);
      if (lit.kind === 'string' && /^(true|false)$/i.test(lit.value)) return lit.value.toLowerCase();
      typeError(attr, type, lit, 'TRUE or FALSE');
    case 'Datetime':
      if (lit.kind === 'string' && parseRfc3339(lit.value)) return lit.value.toUpperCase().replace(' ', 'T');
      if (lit.kind === 'number' && lit.integer) return nanosToRfc3339(lit.raw);
      typeError(attr, type, lit, "an RFC3339 timestamp such as '2024-01-31T12:00:00Z'");
  }
}

/** JSON value for GIN containment (`search_attributes @> {"name": value}`). */
export function jsonValue(type: SaType, param: string): unknown {
  if (type === 'Int' || type === 'Double') return Number(param);
  if (type === 'Bool') return param === 'true';
  return param;
}

/** Lower-cased word tokens of a Text query value (letters and digits). */
export function textTokens(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}
