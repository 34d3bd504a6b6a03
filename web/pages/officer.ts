/**
 * An officer's work: the agency's queue within their jurisdiction (the same query and pinning as GET
 * /agencies/{agency}/work-queue), earliest legal deadline first, overdue and due-today marked, filters and paging;
 * and a case page with the data and where each item came from, the steps with their deadlines, the history, and
 * decision forms only for the events the case accepts now from this officer. After a decision, the next case.
 */
import { html } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { pinJurisdiction, requireOwnAgency } from '../../api/auth/list-scope';
import { OutsideJurisdictionError } from '../../api/errors';
import { listWorkQueue } from '../../db/engine/case-lists';
import { readCaseRows } from '../../db/engine/case-views';
import type { OfficerPrincipal } from '../../identity/claims';
import { getProcedure } from '../../procedures/catalog';
import { button, errorSummary, input, notificationBanner, pagination, select, table, type FieldError } from '../components';
import { caseSummary, caseTitle, eventsFor, historyTable, resultsPart, stepsTable, type CaseView } from '../case-parts';
import { eventBodyOf, eventForms } from '../event-forms';
import { fieldErrorsOf, isApiError } from '../api-errors';
import { deadlineTag, displayValue, formatInstant } from '../format';
import { getPath as valueAt } from '../../domain/data-paths';
import { words } from '../i18n/procedure-text';
import { layout } from '../layout';
import { page, type SignedInContext } from '../page';
import { activeProcedures } from './services';

const OFFICER = allow('officer');
const PAGE_SIZE = 20;
const officerOf = (ctx: SignedInContext) => ctx.principal as OfficerPrincipal;

/** The officer's queue, pinned to their agency and jurisdiction exactly as the API pins it. */
function queueOf(ctx: SignedInContext, q: { procedureId?: string; communeCode?: string; cursor?: string; limit?: number }) {
  const officer = officerOf(ctx);
  requireOwnAgency(officer, officer.agency);
  const { cursor, limit, ...filters } = q;
  const pinned = pinJurisdiction(officer, filters);
  return listWorkQueue(ctx.deps.db, { agency: officer.agency, ...pinned, cursor, limit: limit ?? PAGE_SIZE, now: ctx.deps.now() });
}

function decidedBanner(ctx: SignedInContext, more: boolean) {
  const { decided, case: caseId } = ctx.c.req.query();
  if (!decided || !caseId) return '';
  return notificationBanner(ctx.t.sent, html`<p class="govuk-notification-banner__heading">${ctx.t.decisionRecorded(words(ctx.lang).event(decided), caseId)}</p><p class="govuk-body">${more ? ctx.t.nextCase : ctx.t.queueDone}</p>`, true);
}

async function queuePage(ctx: SignedInContext) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const officer = officerOf(ctx);
  const q = ctx.c.req.query();
  const errors: FieldError[] = [];
  const procedures = activeProcedures().filter((d) => d.agencies.includes(officer.agency));
  const procedureId = procedures.some((d) => d.id === q.procedureId) ? q.procedureId : undefined;
  let communeCode = q.communeCode?.trim() || undefined;
  if (communeCode && !/^\d{5}$/.test(communeCode)) {
    errors.push({ field: 'communeCode', text: `${t.filterCommune}: 5 digits`, code: 'INVALID_INPUT' });
    communeCode = undefined;
  }
  let list;
  try {
    list = await queueOf(ctx, { procedureId, communeCode, cursor: q.cursor });
  } catch (e) {
    if (!(e instanceof OutsideJurisdictionError)) throw e;
    errors.push({ field: 'communeCode', text: `${t.filterCommune}: ${e.message}`, code: e.code });
    list = await queueOf(ctx, { procedureId, cursor: q.cursor });
  }
  const { province, commune } = officer.jurisdiction;
  const where = province === '*' ? t.nationwide : commune ? `${t.commune(commune)}, ${t.province(province)}` : t.province(province);
  const now = ctx.deps.now();
  const rows = list.items.map((item) => {
    const def = getProcedure(item.procedureId);
    const decisions = item.events.filter((e) => e.startsWith('APPROVE'));
    return [
      html`<a class="govuk-link" href="/officer/cases/${item.caseId}">${item.caseId}</a>`,
      w.title(def.id, def.title),
      (decisions.length > 0 ? decisions : item.events).map((e) => w.event(e)).join(' · '),
      formatInstant(item.since, ctx.lang),
      html`${formatInstant(item.dueAt, ctx.lang)} ${deadlineTag(t, { dueAt: item.dueAt, overdue: item.overdue, now })}`,
      item.communeCode ?? '—',
    ];
  });
  const filterQuery = new URLSearchParams({ ...(procedureId ? { procedureId } : {}), ...(communeCode ? { communeCode } : {}) });
  const content = html`${decidedBanner(ctx, false)}${errorSummary(t.errorSummaryTitle, errors)}
<h1 class="govuk-heading-l">${t.queueTitle}</h1>
<p class="govuk-body">${t.queueLead(w.agency(officer.agency), where)}</p>
<form method="get" action="/officer/queue" novalidate class="govuk-!-margin-bottom-6">
  <div class="govuk-grid-row">
    <div class="govuk-grid-column-one-half">${select({ name: 'procedureId', label: t.filterProcedure, value: procedureId ?? '', items: [{ value: '', text: t.filterAll }, ...procedures.map((d) => ({ value: d.id, text: w.title(d.id, d.title) }))] })}</div>
    <div class="govuk-grid-column-one-half">${commune ? '' : input({ name: 'communeCode', label: t.filterCommune, value: q.communeCode, errors, width: 'govuk-input--width-10', inputmode: 'numeric' })}</div>
  </div>
  ${button(t.applyFilters, { secondary: true })}
</form>
${rows.length === 0 ? html`<p class="govuk-body">${t.queueEmpty}</p>` : table({ caption: t.queueTitle, captionClass: 'govuk-visually-hidden', head: [t.colCase, t.colService, t.colAwaiting, t.colSince, t.colDue, t.colPlace], rows })}
${pagination({
  previous: q.cursor ? `/officer/queue?${filterQuery}` : undefined,
  next: list.nextCursor ? `/officer/queue?${new URLSearchParams({ ...Object.fromEntries(filterQuery), cursor: list.nextCursor })}` : undefined,
  previousText: t.firstPage,
  nextText: t.next,
  label: t.pagination,
})}`;
  return ctx.c.html(await layout(ctx, { title: t.queueTitle, content, hasErrors: errors.length > 0 }));
}

async function dataTable(ctx: SignedInContext, v: CaseView) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const rows = await readCaseRows(ctx.deps.db, v.caseId);
  const context = v.context as Record<string, unknown> | null;
  return table({
    caption: t.officerCaseData,
    head: [t.colField, t.colValue, t.colSource],
    rows: (rows?.fields ?? []).map((f) => [
      w.field(f.field),
      displayValue(valueAt(context?.application, f.field) ?? valueAt(context, f.field)),
      f.source === 'registry' ? t.sourceRegistry(w.register(f.registry ?? '')) : f.source === 'step' ? t.sourceStep(f.step ?? '') : t.sourceGiven,
    ]),
  });
}

async function casePage(ctx: SignedInContext, caseId: string, errors: FieldError[] = []) {
  const { t } = ctx;
  const w = words(ctx.lang);
  // The API's own read: 404 outside the officer's agency or jurisdiction, and the view is written to the access log.
  const v = (await ctx.deps.service.getCase(ctx.principal, caseId)) as unknown as CaseView;
  const mine = eventsFor(v, { kind: 'officer', agency: officerOf(ctx).agency });
  const title = caseTitle(ctx, v);
  const content = html`${decidedBanner(ctx, true)}${errorSummary(t.errorSummaryTitle, errors)}
<span class="govuk-caption-l">${t.caseNumber} ${v.caseId}</span>
<h1 class="govuk-heading-l">${title}</h1>
${caseSummary(ctx, v)}
<h2 class="govuk-heading-m">${t.officerDecide}</h2>
${mine.length > 0 ? eventForms(ctx, v, mine, `/officer/cases/${v.caseId}/events`, errors, w.field) : html`<p class="govuk-body">${t.officerNoDecision}</p>`}
${await dataTable(ctx, v)}
${stepsTable(ctx, v)}
${resultsPart(ctx, v)}
${historyTable(ctx, v)}
<p class="govuk-body govuk-hint">${t.caseAuditNote}</p>`;
  return ctx.c.html(await layout(ctx, { title, content, hasErrors: errors.length > 0, before: html`<a href="/officer/queue" class="govuk-back-link">${t.backToQueue}</a>` }), errors.length > 0 ? 400 : 200);
}

export const officerPages = [
  page('GET', '/officer/queue', OFFICER, queuePage),

  page('GET', '/officer/cases/:caseId', OFFICER, async (ctx) => casePage(ctx, ctx.c.req.param('caseId') ?? '')),

  page('POST', '/officer/cases/:caseId/events', OFFICER, async (ctx) => {
    const caseId = ctx.c.req.param('caseId') ?? '';
    let type = '';
    try {
      const v = (await ctx.deps.service.getCase(ctx.principal, caseId)) as unknown as CaseView;
      const body = eventBodyOf(v, ctx.form);
      type = body.type;
      await ctx.deps.service.sendEvent(ctx.principal, caseId, body);
    } catch (err) {
      if (!isApiError(err) || err.status >= 500 || err.status === 404 || err.status === 403) throw err;
      const formType = typeof ctx.form.type === 'string' ? ctx.form.type : '';
      return casePage(ctx, caseId, fieldErrorsOf(err, words(ctx.lang).field, `${formType}.reason`));
    }
    // The next case of the queue (earliest deadline first), else back to the queue.
    const next = (await queueOf(ctx, { limit: 2 })).items.find((i) => i.caseId !== caseId);
    const done = new URLSearchParams({ decided: type, case: caseId });
    return ctx.c.redirect(next ? `/officer/cases/${encodeURIComponent(next.caseId)}?${done}` : `/officer/queue?${done}`, 303);
  }),
];
