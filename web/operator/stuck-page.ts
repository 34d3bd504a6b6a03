/** /operator/stuck: stuck cases with their reason in domain terms, filters, counts per reason, server paging. */
import { html } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { CATALOG } from '../../procedures/catalog';
import type { StuckReason, StuckKind } from '../../ops/stuck';
import { AGENCY_IDS, isAgencyId } from '../../agencies/index';
import { pagination, select, table, tag } from '../components';
import { layout, type Html } from '../layout';
import { page, type SignedInContext } from '../page';
import type { StaffMessages } from '../i18n/staff';
import { filterForm, qs, st, when, withStaff } from '../staff-page';
import { AGE_FILTERS, isReplayIncompatibility, listStuck, STUCK_KINDS, type AgeFilter } from './stuck-list';

export const OPERATOR = allow('operator');

export function reasonText(s: StaffMessages, ctx: SignedInContext, r: StuckReason): string {
  switch (r.kind) {
    case 'activityRetrying':
      return s.reasonRetrying(r.activityType, r.agency ?? r.taskQueue, r.attempts, r.lastError ?? '?');
    case 'noWorker':
      return s.reasonNoWorker(r.taskQueue, r.waiting, when(ctx, r.waitingSince));
    case 'pastDeadline':
      return s.reasonDeadline(r.step, when(ctx, r.dueAt), r.awaiting.map((a) => `${a.type} (${a.actor}${a.agency ? ` ${a.agency}` : ''})`).join(', ') || '—');
    case 'workflowTaskFailing':
      return s.reasonTaskFailing(r.attempt, `${r.cause ?? '?'} ${r.message ?? ''}`.trim());
  }
}

export function reasonTag(s: StaffMessages, r: StuckReason): Html {
  if (isReplayIncompatibility(r)) return tag(s.replayIncompatible, 'purple');
  const colour = { activityRetrying: 'red', noWorker: 'orange', pastDeadline: 'yellow', workflowTaskFailing: 'purple' } as const;
  return tag(s[`kind_${r.kind}`], colour[r.kind]);
}

const option = (value: string, text: string) => ({ value, text });

export function stuckFilterFields(ctx: SignedInContext, q: Record<string, string>, withAge = true): Html[] {
  const s = st(ctx);
  const fields = [
    select({ name: 'procedure', label: s.procedure, value: q.procedure, items: [option('', s.any), ...[...CATALOG.keys()].sort().map((id) => option(id, id))] }),
    select({ name: 'agency', label: s.agency, value: q.agency, items: [option('', s.any), ...AGENCY_IDS.map((a) => option(a, a))] }),
    select({ name: 'kind', label: s.reason, value: q.kind, items: [option('', s.any), ...STUCK_KINDS.map((k) => option(k, s[`kind_${k}`]))] }),
  ];
  if (withAge) fields.push(select({ name: 'age', label: s.age, value: q.age, items: [option('', s.any), ...(Object.keys(AGE_FILTERS) as AgeFilter[]).map((a) => option(a, s[`age_${a}`]))] }));
  return fields;
}

/** The filters of the query string, only values the lists know (anything else is ignored as "any"). */
export function stuckQuery(ctx: SignedInContext): { procedure: string; agency: string; kind: string; age: string } {
  const q = ctx.c.req.query();
  return {
    procedure: CATALOG.has(q.procedure ?? '') ? q.procedure : '',
    agency: isAgencyId(q.agency) ? q.agency : '',
    kind: (STUCK_KINDS as readonly string[]).includes(q.kind ?? '') ? q.kind : '',
    age: Object.hasOwn(AGE_FILTERS, q.age ?? '') ? q.age : '',
  };
}

export const stuckPages = [
  page('GET', '/operator/stuck', OPERATOR, (ctx: SignedInContext) =>
    withStaff(ctx, async (staff) => {
      const s = st(ctx);
      const q = stuckQuery(ctx);
      const pageNo = Math.max(1, Number(ctx.c.req.query('page')) || 1);
      const result = await listStuck(staff.ops, {
        procedureId: q.procedure || undefined,
        agency: q.agency || undefined,
        kind: (q.kind || undefined) as StuckKind | undefined,
        age: (q.age || undefined) as AgeFilter | undefined,
        page: pageNo,
      });
      const link = (extra: Record<string, string | number>) => `/operator/stuck${qs({ ...q, ...extra })}`;
      const counts = table({
        caption: s.countsCaption,
        head: [s.reason, '#'],
        rows: STUCK_KINDS.map((k) => [html`<a class="govuk-link" href="${link({ kind: k, page: 1 })}">${s[`kind_${k}`]}</a>`, String(result.counts[k])]),
      });
      const cases =
        result.items.length === 0
          ? html`<p class="govuk-body">${s.noStuck}</p>`
          : table({
              caption: s.casesCaption(result.total),
              head: [s.caseCol, s.procedure, s.receivedCol, s.stateCol, s.reasonsCol],
              rows: result.items.map((c) => [
                html`<a class="govuk-link" href="/operator/cases/${encodeURIComponent(c.caseId)}">${c.caseId}</a>`,
                `${c.procedureId} v${c.procedureVersion}`,
                when(ctx, c.receivedAt ?? c.startTime),
                c.activeStates?.join(', ') ?? '—',
                html`${c.reasons.map((r) => html`<p class="govuk-body-s">${reasonTag(s, r)} ${reasonText(s, ctx, r)}</p>`)}`,
              ]),
            });
      const content = html`<h1 class="govuk-heading-l">${s.stuckTitle}</h1>
<p class="govuk-body">${s.stuckLead}</p>
${filterForm('/operator/stuck', s.filters, s.apply, stuckFilterFields(ctx, q))}
${counts}
${cases}
<p class="govuk-body">${s.pageOf(result.page, result.pageCount)}</p>
${pagination({
  previous: result.page > 1 ? link({ page: result.page - 1 }) : undefined,
  next: result.page < result.pageCount ? link({ page: result.page + 1 }) : undefined,
  previousText: s.previous,
  nextText: s.next,
  label: s.paging,
})}
<p class="govuk-body"><a class="govuk-link" href="/operator/bulk${qs(q)}">${s.bulkTitle}</a> · <a class="govuk-link" href="/operator/health">${s.healthTitle}</a></p>`;
      return ctx.c.html(await layout(ctx, { title: s.stuckTitle, content }));
    }),
  ),
];
