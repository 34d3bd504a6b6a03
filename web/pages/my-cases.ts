/**
 * A citizen's cases: the list (as applicant or party, from the read model), and each case with its steps per agency
 * and their legal deadlines, what is awaited from the citizen now with the action to do it (consent as household
 * head, a supplement, missing data…), and the results once done. Reads and writes go through the API's case service.
 */
import { html } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { requireSelfOrStaff } from '../../api/auth/list-scope';
import { provideDataSchema } from '../../api/schemas';
import { listPersonCases } from '../../db/engine/case-lists';
import { getProcedure } from '../../procedures/catalog';
import { button, csrfField, errorSummary, input, notificationBanner, pagination, table, type FieldError } from '../components';
import { caseSummary, caseTitle, eventsFor, historyTable, resultsPart, stepsTable, type CaseView } from '../case-parts';
import { eventBodyOf, eventForms } from '../event-forms';
import { fieldErrorsOf, isApiError } from '../api-errors';
import { deadlineTag, formatInstant, statusTag } from '../format';
import { words } from '../i18n/procedure-text';
import { layout } from '../layout';
import { page, type SignedInContext } from '../page';

const CITIZEN = allow('citizen');
const PAGE_SIZE = 20;
const me = (ctx: SignedInContext) => (ctx.principal.kind === 'citizen' ? ctx.principal.personalId : '');

async function casePage(ctx: SignedInContext, caseId: string, errors: FieldError[] = []) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const v = (await ctx.deps.service.getCase(ctx.principal, caseId)) as unknown as CaseView;
  const mine = eventsFor(v, { kind: 'citizen', personalId: me(ctx) });
  const others = v.acceptedEvents.filter((e) => !mine.includes(e));
  const q = ctx.c.req.query();
  const banner = q.submitted
    ? notificationBanner(t.submittedTitle, html`<p class="govuk-notification-banner__heading">${t.submittedBody(v.caseId)}</p>`, true)
    : q.duplicate
      ? notificationBanner(t.duplicateTitle, html`<p class="govuk-notification-banner__heading">${t.duplicateBody}</p>`)
      : q.sent
        ? notificationBanner(t.sent, html`<p class="govuk-notification-banner__heading">${t.sentBody(w.event(q.sent))}</p>`, true)
        : '';
  const requests = ((v.context as { supplementRequests?: { missing: string[]; answered: boolean }[] } | null)?.supplementRequests ?? []).filter((r) => !r.answered);
  const missingData =
    v.status === 'awaiting_data' && v.missingFields.length > 0
      ? html`<p class="govuk-body">${t.caseMissingData}</p>
<form method="post" action="/my/cases/${v.caseId}/data" novalidate>${csrfField(ctx.session)}
${v.missingFields.map((f) => input({ name: f, label: w.field(f), errors }))}${button(t.provideData)}</form>`
      : '';
  const title = caseTitle(ctx, v);
  const content = html`${banner}${errorSummary(t.errorSummaryTitle, errors)}
<span class="govuk-caption-l">${t.caseNumber} ${v.caseId}</span>
<h1 class="govuk-heading-l">${title}</h1>
${caseSummary(ctx, v)}
<h2 class="govuk-heading-m">${t.caseNeedsYou}</h2>
${requests.length > 0 ? html`<div class="govuk-inset-text"><p class="govuk-body">${t.caseSupplementRequested}</p><ul class="govuk-list govuk-list--bullet">${requests.flatMap((r) => r.missing).map((m) => html`<li>${w.field(m)}</li>`)}</ul></div>` : ''}
${missingData}
${mine.length > 0 ? eventForms(ctx, v, mine, `/my/cases/${v.caseId}/events`, errors, w.field) : missingData ? '' : html`<p class="govuk-body">${t.caseNothingAwaited}</p>`}
${others.length > 0 ? html`<h3 class="govuk-heading-s">${t.caseAwaitingOthers}</h3><ul class="govuk-list govuk-list--bullet">${others.map((e) => html`<li>${e.agency ? w.agency(e.agency) : e.actor}: ${w.event(e.type, e.description)}</li>`)}</ul>` : ''}
${resultsPart(ctx, v)}
${stepsTable(ctx, v)}
${historyTable(ctx, v)}
<p class="govuk-body"><a class="govuk-link" href="/my/data">${t.myDataTitle}</a></p>`;
  return ctx.c.html(await layout(ctx, { title, content, hasErrors: errors.length > 0, before: html`<a href="/my/cases" class="govuk-back-link">${t.navMyCases}</a>` }), errors.length > 0 ? 400 : 200);
}

async function withFormErrors(ctx: SignedInContext, caseId: string, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (!isApiError(err) || err.status >= 500 || err.status === 404 || err.status === 403) throw err;
    const type = typeof ctx.form.type === 'string' ? ctx.form.type : '';
    return casePage(ctx, caseId, fieldErrorsOf(err, words(ctx.lang).field, type ? `${type}.documents` : 'type'));
  }
}

export const myCasesPages = [
  page('GET', '/my/cases', CITIZEN, async (ctx) => {
    const { t } = ctx;
    const w = words(ctx.lang);
    const personalId = me(ctx);
    requireSelfOrStaff(ctx.principal, personalId);
    const cursor = ctx.c.req.query('cursor');
    const list = await listPersonCases(ctx.deps.db, { personalId, cursor, limit: PAGE_SIZE, now: ctx.deps.now() });
    const now = ctx.deps.now();
    const rows = list.items.map((c) => {
      const def = getProcedure(c.procedureId, c.procedureVersion);
      return [
        html`<a class="govuk-link" href="/my/cases/${c.caseId}">${w.title(def.id, def.title)}<span class="govuk-visually-hidden"> (${c.caseId})</span></a>`,
        formatInstant(c.receivedAt, ctx.lang),
        statusTag(c.outcome ? w.outcome(c.outcome) : w.status(c.status), c.status),
        html`${formatInstant(c.deadlineAt, ctx.lang)} ${c.settledAt ? '' : deadlineTag(t, { dueAt: c.deadlineAt, overdue: c.overdue, now })}`,
        c.roles.join(', '),
      ];
    });
    const content = html`<h1 class="govuk-heading-l">${t.myCasesTitle}</h1>
${rows.length === 0 ? html`<p class="govuk-body">${t.myCasesEmpty}</p>` : table({ head: [t.colService, t.colReceived, t.colStatus, t.colDeadline, t.colRoles], rows })}
${pagination({ previous: cursor ? '/my/cases' : undefined, next: list.nextCursor ? `/my/cases?cursor=${encodeURIComponent(list.nextCursor)}` : undefined, previousText: t.firstPage, nextText: t.next, label: t.pagination })}
<a href="/services" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t.navServices}</a>`;
    return ctx.c.html(await layout(ctx, { title: t.myCasesTitle, content }));
  }),

  page('GET', '/my/cases/:caseId', CITIZEN, async (ctx) => casePage(ctx, ctx.c.req.param('caseId') ?? '')),

  page('POST', '/my/cases/:caseId/events', CITIZEN, async (ctx) => {
    const caseId = ctx.c.req.param('caseId') ?? '';
    return withFormErrors(ctx, caseId, async () => {
      const v = (await ctx.deps.service.getCase(ctx.principal, caseId)) as unknown as CaseView;
      const body = eventBodyOf(v, ctx.form);
      await ctx.deps.service.sendEvent(ctx.principal, caseId, body);
      return ctx.c.redirect(`/my/cases/${encodeURIComponent(caseId)}?sent=${encodeURIComponent(body.type)}`, 303);
    });
  }),

  page('POST', '/my/cases/:caseId/data', CITIZEN, async (ctx) => {
    const caseId = ctx.c.req.param('caseId') ?? '';
    return withFormErrors(ctx, caseId, async () => {
      const fields = Object.fromEntries(Object.entries(ctx.form).flatMap(([k, v]) => (typeof v === 'string' && v.trim() ? [[k, v.trim()]] : [])));
      const parsed = provideDataSchema.safeParse({ fields });
      if (!parsed.success) return casePage(ctx, caseId, parsed.error.issues.map((i) => ({ field: String(i.path.at(-1) ?? ''), text: i.message, code: 'INVALID_INPUT' })));
      await ctx.deps.service.provideData(ctx.principal, caseId, parsed.data);
      return ctx.c.redirect(`/my/cases/${encodeURIComponent(caseId)}?sent=DATA`, 303);
    });
  }),
];

