/**
 * The operator's actions: a case action or a bulk action is first run as the ops CLI's dry run (nothing written) and
 * shown — for a reset, what will be done again and what will not —, then confirmed with a checkbox and run for real,
 * audited with the operator the session's token names and the reason. Nothing that writes runs without confirmation.
 */
import { html } from 'hono/html';
import type { ActionResult, BulkReport } from '../../ops/repair';
import type { StuckKind } from '../../ops/stuck';
import { caseRef } from '../../ops/common';
import { button, checkboxes, csrfField, errorSummary, notificationBanner, radios, table, textarea, input, type FieldError } from '../components';
import { layout, type Html } from '../layout';
import { page, type SignedInContext } from '../page';
import { one, qs, st, withStaff } from '../staff-page';
import type { StaffConsoleDeps } from '../staff-deps';
import { CASE_ACTIONS, runBulkAction, runCaseAction, type BulkActionRequest, type CaseAction, type CaseActionRequest, type CommandOutcome } from './actions';
import { ConsoleInputError } from './console-input';
import { renderCasePage } from './case-page';
import { resetPlan } from './reset-plan';
import { OPERATOR, stuckFilterFields, stuckQuery } from './stuck-page';

const BULK_ACTIONS = ['retry', 'reset', 'cancel', 'terminate'] as const;

const hidden = (fields: Record<string, string>) => html`${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;

function confirmForm(ctx: SignedInContext, action: string, fields: Record<string, string>, errors: FieldError[]): Html {
  const s = st(ctx);
  return html`<form method="post" action="${action}" novalidate>${csrfField(ctx.session)}${hidden(fields)}
${checkboxes({ name: 'confirm', legend: s.confirm, items: [{ value: 'yes', text: s.confirmLabel }], errors })}
${button(s.confirm, { warning: fields.action === 'terminate' || fields.action === 'cancel' })}</form>`;
}

function inputErrors(ctx: SignedInContext, err: ConsoleInputError): FieldError[] {
  const s = st(ctx);
  const text = { reason: s.reasonLabel, toState: s.toState, eventType: s.eventType, onBehalfOf: s.onBehalfOf, confirm: s.confirmLabel }[err.field] ?? err.field;
  return [{ field: err.field, text: `${text}: ${err.code}`, code: err.code }];
}

async function resetPlanHtml(ctx: SignedInContext, staff: StaffConsoleDeps, caseId: string, r: ActionResult): Promise<Html | ''> {
  if (r.action !== 'reset' || r.detail.resetEventId === undefined) return '';
  const s = st(ctx);
  const plan = await resetPlan(staff.ops, caseId, Number(r.detail.resetEventId));
  return html`${table({
    caption: s.runAgainCaption,
    head: [s.servicesCaption, s.queueCol, s.statusCol],
    rows: plan.runAgain.map((x) => [x.service, x.queue, x.completedBefore ? s.completedBefore : s.notCompletedBefore]),
  })}
<p class="govuk-body">${s.idempotentNote}</p>
${plan.notReapplied.length
  ? table({ caption: s.notReappliedCaption, head: [s.whenCol, s.eventType, s.onBehalfOf], rows: plan.notReapplied.map((n) => [n.at, n.event, n.by]) })
  : html`<h2 class="govuk-heading-m">${s.notReappliedCaption}</h2><p class="govuk-body">${s.nothing}</p>`}`;
}

function resultHtml(ctx: SignedInContext, outcome: CommandOutcome<ActionResult>): Html {
  const s = st(ctx);
  const r = outcome.result;
  if (outcome.error || !r) return html`<div class="govuk-error-summary" role="alert"><h2 class="govuk-error-summary__title">${s.failedTitle}</h2><p class="govuk-body">${outcome.error?.code}: ${outcome.error?.message}</p></div>`;
  if (!r.ok) return html`<div class="govuk-warning-text"><strong class="govuk-warning-text__text">${s.wouldBeRefused(r.error ?? '')}</strong></div>`;
  return html`<pre class="console-pre">${JSON.stringify(r.detail, null, 2)}</pre>`;
}

function caseRequest(caseId: string, form: Record<string, string | string[]>, dryRun: boolean): CaseActionRequest {
  const action = one(form.action) as CaseAction;
  if (!(CASE_ACTIONS as readonly string[]).includes(action)) throw new ConsoleInputError('EVENT_REQUIRED', 'action');
  return { action, caseId, reason: one(form.reason), dryRun, toState: one(form.toState), eventType: one(form.eventType) || undefined, onBehalfOf: one(form.onBehalfOf), procedureId: one(form.procedureId) || undefined };
}

async function caseAction(ctx: SignedInContext, staff: StaffConsoleDeps): Promise<Response> {
  const s = st(ctx);
  const caseId = ctx.c.req.param('caseId') ?? '';
  const operator = { id: ctx.principal.kind === 'staff' ? ctx.principal.id : '' };
  const confirmed = one(ctx.form.confirm) === 'yes';
  const isConfirmStep = one(ctx.form.step) === 'confirm';
  const form = { ...ctx.form };
  // The send form needs the procedure (to read the event's declared actor): the case's own.
  if (one(form.action) === 'send' && !one(form.procedureId)) {
    const ref = await caseRef(staff.ops, caseId);
    Object.assign(form, { procedureId: ref.procedureId, procedureVersion: String(ref.procedureVersion) });
  }
  let req: CaseActionRequest;
  try {
    req = caseRequest(caseId, form, !confirmed);
    if (isConfirmStep && !confirmed) throw new ConsoleInputError('CONFIRMATION_REQUIRED', 'confirm');
    req.procedureVersion = one(form.procedureVersion) ? Number(one(form.procedureVersion)) : undefined;
    const outcome = await runCaseAction(staff.ops, operator, req);
    const back = html`<p class="govuk-body"><a class="govuk-link" href="/operator/cases/${encodeURIComponent(caseId)}">${s.caseTitle(caseId)}</a></p>`;
    if (!req.dryRun) {
      const ok = !outcome.error && outcome.result?.ok;
      const content = html`<h1 class="govuk-heading-l">${ok ? s.doneTitle : s.failedTitle}</h1>${ok ? notificationBanner(s.doneTitle, html`<p class="govuk-notification-banner__heading">${s[`action_${req.action}`]}</p>`, true) : ''}${resultHtml(ctx, outcome)}${back}`;
      return ctx.c.html(await layout(ctx, { title: ok ? s.doneTitle : s.failedTitle, content }), ok ? 200 : 409);
    }
    const plan = outcome.result?.ok ? await resetPlanHtml(ctx, staff, caseId, outcome.result) : '';
    const fields = { step: 'confirm', action: req.action, reason: req.reason, toState: req.toState ?? '', eventType: req.eventType ?? '', onBehalfOf: req.onBehalfOf ?? '', procedureId: req.procedureId ?? '', procedureVersion: one(form.procedureVersion) };
    const content = html`<h1 class="govuk-heading-l">${s.dryRunTitle}</h1>
<p class="govuk-body-l">${s[`action_${req.action}`]}${req.toState && req.action === 'reset' ? html` → <strong>${req.toState}</strong>` : ''}</p>
${resultHtml(ctx, outcome)}
${plan}
${outcome.result?.ok ? confirmForm(ctx, `/operator/cases/${encodeURIComponent(caseId)}/actions`, fields, []) : ''}
${back}`;
    return ctx.c.html(await layout(ctx, { title: s.dryRunTitle, content }));
  } catch (err) {
    if (!(err instanceof ConsoleInputError)) throw err;
    return renderCasePage(ctx, staff, caseId, inputErrors(ctx, err), form);
  }
}

function bulkRequest(form: Record<string, string | string[]>, dryRun: boolean): BulkActionRequest {
  const action = one(form.action) as BulkActionRequest['action'];
  if (!(BULK_ACTIONS as readonly string[]).includes(action)) throw new ConsoleInputError('EVENT_REQUIRED', 'action');
  return {
    action,
    reason: one(form.reason),
    dryRun,
    toState: one(form.toState) || undefined,
    procedureId: one(form.procedure) || undefined,
    agency: one(form.agency) || undefined,
    kind: (one(form.kind) || undefined) as StuckKind | undefined,
    stuckOnly: true,
  };
}

async function bulkForm(ctx: SignedInContext, errors: FieldError[] = [], form: Record<string, string | string[]> = {}): Promise<Response> {
  const s = st(ctx);
  const q = { ...stuckQuery(ctx), ...Object.fromEntries(['procedure', 'agency', 'kind'].filter((k) => one(form[k])).map((k) => [k, one(form[k])])) };
  const content = html`<h1 class="govuk-heading-l">${s.bulkTitle}</h1>
<p class="govuk-body">${s.bulkLead}</p>
${errorSummary(ctx.t.errorSummaryTitle, errors)}
<form method="post" action="/operator/bulk" novalidate>${csrfField(ctx.session)}
${stuckFilterFields(ctx, q, false)}
${radios({ name: 'action', legend: s.action, value: one(form.action) || 'retry', errors, items: BULK_ACTIONS.map((a) => ({ value: a, text: s[`action_${a}`] })) })}
${input({ name: 'toState', label: s.toState, value: one(form.toState), errors, width: 'govuk-input--width-30' })}
${textarea({ name: 'reason', label: s.reasonLabel, value: one(form.reason), errors })}
${button(s.dryRun)}</form>`;
  return ctx.c.html(await layout(ctx, { title: s.bulkTitle, content, hasErrors: errors.length > 0 }), errors.length ? 400 : 200);
}

function bulkReportHtml(ctx: SignedInContext, report: BulkReport): Html {
  const s = st(ctx);
  const list = report.dryRun ? report.plans : report.results;
  return html`<p class="govuk-body-l">${s.bulkTargets(report.targets.length)}</p>
${table({
  head: [s.caseCol, s.procedure, s.statusCol],
  rows: report.targets.map((t) => {
    const r = list.find((x) => x.caseId === t.caseId);
    const failed = report.failures.find((f) => f.caseId === t.caseId);
    return [html`<a class="govuk-link" href="/operator/cases/${encodeURIComponent(t.caseId)}">${t.caseId}</a>`, `${t.procedureId} v${t.procedureVersion}`, failed ? `${s.bulkFailures}: ${failed.error}` : r && !r.ok ? `${s.bulkRefused}: ${r.error}` : r ? 'ok' : '—'];
  }),
})}`;
}

async function bulkAction(ctx: SignedInContext, staff: StaffConsoleDeps): Promise<Response> {
  const s = st(ctx);
  const operator = { id: ctx.principal.kind === 'staff' ? ctx.principal.id : '' };
  const confirmed = one(ctx.form.confirm) === 'yes';
  try {
    if (one(ctx.form.step) === 'confirm' && !confirmed) throw new ConsoleInputError('CONFIRMATION_REQUIRED', 'confirm');
    const req = bulkRequest(ctx.form, !confirmed);
    const outcome = await runBulkAction(staff.ops, operator, req);
    const body = outcome.error || !outcome.result
      ? html`<div class="govuk-error-summary" role="alert"><h2 class="govuk-error-summary__title">${s.failedTitle}</h2><p class="govuk-body">${outcome.error?.code}: ${outcome.error?.message}</p></div>`
      : bulkReportHtml(ctx, outcome.result);
    const fields = { step: 'confirm', action: req.action, reason: req.reason, toState: req.toState ?? '', procedure: req.procedureId ?? '', agency: req.agency ?? '', kind: req.kind ?? '' };
    const title = req.dryRun ? s.dryRunTitle : outcome.exitCode === 0 ? s.doneTitle : s.failedTitle;
    const content = html`<h1 class="govuk-heading-l">${title}</h1>
<p class="govuk-body">${s[`action_${req.action}`]}</p>
${body}
${req.dryRun && outcome.result && outcome.result.targets.length > 0 ? confirmForm(ctx, '/operator/bulk', fields, []) : ''}
<p class="govuk-body"><a class="govuk-link" href="/operator/stuck${qs({ procedure: req.procedureId, agency: req.agency, kind: req.kind })}">${s.stuckTitle}</a></p>`;
    return ctx.c.html(await layout(ctx, { title, content }));
  } catch (err) {
    if (!(err instanceof ConsoleInputError)) throw err;
    return bulkForm(ctx, inputErrors(ctx, err), ctx.form);
  }
}

export const actionPages = [
  page('POST', '/operator/cases/:caseId/actions', OPERATOR, (ctx: SignedInContext) => withStaff(ctx, (staff) => caseAction(ctx, staff))),
  page('GET', '/operator/bulk', OPERATOR, (ctx: SignedInContext) => withStaff(ctx, () => bulkForm(ctx))),
  page('POST', '/operator/bulk', OPERATOR, (ctx: SignedInContext) => withStaff(ctx, (staff) => bulkAction(ctx, staff))),
];
