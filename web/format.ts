/** Dates, deadlines and values as the console shows them (Vietnam time), and the tags for deadlines. */
import type { Lang, Messages } from './i18n/index';
import { tag } from './components';
import type { Html } from './layout';

const TZ = 'Asia/Ho_Chi_Minh';

export function formatInstant(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: TZ, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

const dayOf = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);

/** Overdue (red), due today (yellow) or on time (green) for an open step or case; done steps say whether they were on time. */
export function deadlineTag(t: Messages, o: { dueAt: string | null; overdue?: boolean; onTime?: boolean | null; done?: boolean; now: Date }): Html | string {
  if (!o.dueAt) return '—';
  if (o.done) return o.onTime === false ? tag(t.overdue, 'red') : tag(t.onTime, 'green');
  if (o.overdue || o.onTime === false || new Date(o.dueAt) < o.now) return tag(t.overdue, 'red');
  if (dayOf(new Date(o.dueAt)) === dayOf(o.now)) return tag(t.dueToday, 'yellow');
  return tag(t.onTime, 'green');
}

export function statusTag(label: string, status: string): Html {
  const colour = status === 'closed' ? 'green' : status === 'failed' ? 'red' : status === 'awaiting_data' ? 'yellow' : 'blue';
  return tag(label, colour);
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(displayValue).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}


