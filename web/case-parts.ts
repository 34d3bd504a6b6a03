/** Parts of a case page shared by citizens' and officers' views: summary, steps with deadlines, history, results. */
import { html } from 'hono/html';
import type { AcceptedEventInfo, CaseSnapshot, StepStatus } from '../workflows/definitions';
import type { IssuedDocument } from '../domain/case-vocabulary';
import { getProcedure } from '../procedures/catalog';
import { summaryList, table } from './components';
import { deadlineTag, displayValue, formatInstant, statusTag } from './format';
import { words } from './i18n/procedure-text';
import type { Html } from './layout';
import type { PageContext } from './page';

/** What GET /cases/{id} answers: the snapshot with the outcome in its full shape. */
export type CaseView = Omit<CaseSnapshot, 'outcome'> & { outcome: { name: string; documents: IssuedDocument[] } | null };

export const caseTitle = (ctx: PageContext, v: CaseView) => {
  const def = getProcedure(v.procedureId, v.procedureVersion);
  return words(ctx.lang).title(def.id, def.title);
};

export function caseSummary(ctx: PageContext, v: CaseView): Html {
  const { t } = ctx;
  const w = words(ctx.lang);
  return summaryList([
    { key: t.caseNumber, value: v.caseId },
    { key: t.caseStatus, value: statusTag(w.status(v.status), v.status) },
    { key: t.caseReceived, value: formatInstant(v.receivedAt, ctx.lang) },
    ...(v.outcome ? [{ key: t.caseOutcome, value: w.outcome(v.outcome.name) }] : []),
  ]);
}

const stepAgency = (procedureId: string, version: number, step: StepStatus) => {
  const def = getProcedure(procedureId, version);
  const deadline = def.deadlines.find((d) => d.step === step.step);
  const path = deadline?.statePath ?? step.step;
  const service = def.services.find((s) => path.includes(s.name)) ?? def.services.find((s) => s.name.toLowerCase().includes(step.step.toLowerCase()));
  const event = def.events.find((e) => e.agency && e.type.includes(step.step.toUpperCase()));
  return step.step === 'total' ? def.agencies : [event?.agency ?? service?.agency ?? def.agencies[0]];
};

export function stepsTable(ctx: PageContext, v: CaseView): Html {
  const { t } = ctx;
  const w = words(ctx.lang);
  const now = ctx.deps.now();
  return table({
    caption: t.caseSteps,
    head: [t.colStep, t.colAgency, t.colDue, t.colDone, t.colOnTime],
    rows: v.steps.map((s) => [
      w.step(s.step),
      stepAgency(v.procedureId, v.procedureVersion, s).map((a) => w.agency(a)).join(', '),
      s.dueAt ? formatInstant(s.dueAt, ctx.lang) : s.startedAt ? '—' : t.notStarted,
      s.completedAt ? formatInstant(s.completedAt, ctx.lang) : '—',
      deadlineTag(t, { dueAt: s.dueAt, onTime: s.onTime, done: s.completedAt !== null, now }),
    ]),
  });
}

export function historyTable(ctx: PageContext, v: CaseView): Html {
  const { t } = ctx;
  const w = words(ctx.lang);
  const def = getProcedure(v.procedureId, v.procedureVersion);
  return table({
    caption: t.caseTimeline,
    head: [t.colWhen, t.colWhat, t.colWho],
    rows: [
      [formatInstant(v.receivedAt, ctx.lang), ctx.lang === 'vi' ? 'Tiếp nhận hồ sơ' : 'Application received', '—'],
      ...v.history.map((h) => [formatInstant(h.at, ctx.lang), w.event(h.type, def.events.find((e) => e.type === h.type)?.description), h.actor]),
    ],
  });
}

export function resultsPart(ctx: PageContext, v: CaseView): Html | '' {
  const { t } = ctx;
  const w = words(ctx.lang);
  const refusals = (v.context as { refusals?: { step: string; reason: string }[] } | null)?.refusals ?? [];
  const docs = v.outcome?.documents ?? [];
  if (docs.length === 0 && refusals.length === 0) return '';
  return html`<h2 class="govuk-heading-m">${t.caseResults}</h2>
${docs.length > 0 ? table({ head: [t.colDocument, t.colNumber, t.colIssuer, t.colWhen], rows: docs.map((d) => [w.document(d.kind), html`<strong>${d.number}</strong>`, w.agency(d.issuer), formatInstant(d.issuedAt, ctx.lang)]) }) : ''}
${refusals.length > 0 ? html`<h3 class="govuk-heading-s">${t.caseRefusals}</h3><ul class="govuk-list govuk-list--bullet">${refusals.map((r) => html`<li>${w.step(r.step)}: ${displayValue(r.reason)}</li>`)}</ul>` : ''}`;
}

/** Events the current state accepts that this principal may send (the case's own answer: acceptedEvents). */
export function eventsFor(v: CaseView, who: { kind: 'citizen'; personalId: string } | { kind: 'officer'; agency: string }): AcceptedEventInfo[] {
  return v.acceptedEvents.filter((e) =>
    who.kind === 'citizen' ? e.actor === 'citizen' && (e.actorId === undefined || e.actorId === who.personalId) : e.actor === 'officer' && e.agency === who.agency,
  );
}
