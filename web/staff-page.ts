/** Helpers shared by the operator, designer and supervisor pages: their services, messages and formatting. */
import { html } from 'hono/html';
import type { Html } from './layout';
import type { PageContext } from './page';
import { errorPage } from './page';
import { staffMessages, type StaffMessages } from './i18n/staff';
import type { StaffConsoleDeps } from './staff-deps';

export const st = (ctx: PageContext): StaffMessages => staffMessages(ctx.lang);

/** The staff services, or a 503 page when the console was built without them. */
export async function withStaff(ctx: PageContext, run: (staff: StaffConsoleDeps) => Promise<Response>): Promise<Response> {
  if (!ctx.deps.staff) return errorPage(ctx, 503, ctx.t.errorPageTitle, ctx.t.errorPageTitle, 'STAFF_CONSOLE_NOT_CONFIGURED');
  return run(ctx.deps.staff);
}

/** A date and time in the page's language, in Vietnam time (the legal deadlines' time zone). */
export function when(ctx: PageContext, iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(ctx.lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

export const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10} %`);

/** A GET form of filters (works without JavaScript). */
export function filterForm(action: string, legend: string, submit: string, fields: Html[]): Html {
  return html`<form method="get" action="${action}" class="console-filters" novalidate>
<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${legend}</legend>
<div class="console-filters__fields">${fields}</div>
<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">${submit}</button>
</fieldset></form>`;
}

/** The string value of a query or form field (first of several). */
export function one(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Query string of the non-empty values. */
export function qs(values: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
