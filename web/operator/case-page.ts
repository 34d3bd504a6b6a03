/** /operator/cases/:caseId — the case's timeline in domain terms beside its raw history, and the action form. */
import { html } from 'hono/html';
import { button, csrfField, errorSummary, pagination, radios, select, summaryList, table, textarea, input, type FieldError } from '../components';
import { layout } from '../layout';
import { errorPage, page, type SignedInContext } from '../page';
import { one, qs, st, when, withStaff } from '../staff-page';
import type { StaffConsoleDeps } from '../staff-deps';
import { CASE_ACTIONS } from './actions';
import { operatorCaseView } from './case-view';
import { OPERATOR, reasonTag, reasonText } from './stuck-page';

/** The case page; with `errors` and the submitted `form`, the action form shows them inline. */
export async function renderCasePage(ctx: SignedInContext, staff: StaffConsoleDeps, caseId: string, errors: FieldError[] = [], form: Record<string, string | string[]> = {}): Promise<Response> {
  const s = st(ctx);
  let view;
  try {
    view = await operatorCaseView(staff.ops, caseId, Number(ctx.c.req.query('history')) || 1);
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowNotFoundError') return errorPage(ctx, 404, ctx.t.notFoundTitle, ctx.t.notFoundBody, 'CASE_NOT_FOUND');
    throw err;
  }
  const x = view.explanation;
  const accepted = (x.current?.acceptedEvents ?? []).filter((e) => e.actor !== 'system');
  const summary = summaryList([
    { key: s.summaryProcedure, value: `${x.case.procedureId} v${x.case.procedureVersion}` },
    { key: s.receivedCol, value: when(ctx, x.case.receivedAt ?? x.case.startTime) },
    { key: s.summaryStatus, value: x.case.status },
    { key: s.summaryStates, value: x.current ? x.current.activeStates.join(', ') || '—' : s.engineSilent },
    {
      key: s.summaryStuck,
      value: x.stuck.length === 0 ? s.notStuck : html`${x.stuck.map((r) => html`<p class="govuk-body-s">${reasonTag(s, r)} ${reasonText(s, ctx, r)}</p>`)}`,
    },
  ]);
  const timeline = table({
    caption: s.timelineCaption,
    head: [s.whenCol, s.kindCol, s.whatCol],
    rows: view.timeline.map((e) => [when(ctx, e.at), e.kind, e.text]),
  });
  const history = table({
    caption: s.historyCaption,
    head: [s.eventIdCol, s.whenCol, s.typeCol],
    rows: view.history.map((e) => [String(e.eventId), when(ctx, e.at), e.type]),
  });
  const historyLink = (n: number) => `/operator/cases/${encodeURIComponent(caseId)}${qs({ history: n })}`;
  const actions = view.actions.length
    ? table({
        caption: s.operatorActionsCaption,
        head: [s.whenCol, s.action, s.reason, s.statusCol],
        rows: view.actions.map((a) => [when(ctx, a.at), `${a.action} — ${a.operator}`, a.reason, a.outcome]),
      })
    : '';
  const v = (k: string) => one(form[k]);
  const actionForm = html`<h2 class="govuk-heading-m" id="actions">${s.actionsTitle}</h2>
<p class="govuk-body">${s.actionsLead}</p>
${errorSummary(ctx.t.errorSummaryTitle, errors)}
<form method="post" action="/operator/cases/${encodeURIComponent(caseId)}/actions" novalidate>
${csrfField(ctx.session)}
${radios({ name: 'action', legend: s.action, value: v('action') || 'retry', errors, items: CASE_ACTIONS.map((a) => ({ value: a, text: s[`action_${a}`] })) })}
${select({ name: 'toState', label: s.toState, value: v('toState'), items: view.resetTargets.map((t) => ({ value: t, text: t })) })}
${select({ name: 'eventType', label: s.eventType, value: v('eventType'), items: [{ value: '', text: '—' }, ...accepted.map((e) => ({ value: e.type, text: `${e.type} (${e.actor}${e.agency ? ` ${e.agency}` : ''})` }))] })}
${input({ name: 'onBehalfOf', label: s.onBehalfOf, value: v('onBehalfOf'), errors, width: 'govuk-input--width-20' })}
${textarea({ name: 'reason', label: s.reasonLabel, value: v('reason'), errors })}
${button(s.dryRun)}
</form>`;
  const content = html`<h1 class="govuk-heading-l">${s.caseTitle(caseId)}</h1>
${summary}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-one-half console-scroll">${timeline}</div>
  <div class="govuk-grid-column-one-half console-scroll">${history}
  ${pagination({
    previous: view.historyPage > 1 ? historyLink(view.historyPage - 1) : undefined,
    next: view.historyPage < view.historyPageCount ? historyLink(view.historyPage + 1) : undefined,
    previousText: s.previous,
    nextText: s.next,
    label: s.paging,
  })}</div>
</div>
${actions}
${actionForm}`;
  return ctx.c.html(await layout(ctx, { title: s.caseTitle(caseId), content, hasErrors: errors.length > 0 }), errors.length ? 400 : 200);
}

export const casePages = [
  page('GET', '/operator/cases/:caseId', OPERATOR, (ctx: SignedInContext) => withStaff(ctx, (staff) => renderCasePage(ctx, staff, ctx.c.req.param('caseId') ?? ''))),
];
