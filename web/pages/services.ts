/** The catalog in plain words: what each service produces, which agencies act, the legal deadline, what the citizen gives. */
import { html } from 'hono/html';
import { PUBLIC } from '../../api/auth/route-policy';
import { getProcedure, listProcedures, CATALOG } from '../../procedures/catalog';
import type { ProcedureDefinition } from '../../procedures/types';
import { summaryList } from '../components';
import { words } from '../i18n/procedure-text';
import type { Messages } from '../i18n/index';
import { layout } from '../layout';
import { page, type PageContext } from '../page';
import { ProcedureNotFoundError } from '../../api/errors';

/** Procedures a citizen can apply for now (their newest active version). */
export function activeProcedures(): ProcedureDefinition[] {
  return listProcedures(CATALOG).flatMap((p) => (p.current === null ? [] : [getProcedure(p.id, p.current)]));
}

export function procedureOr404(id: string): ProcedureDefinition {
  const def = activeProcedures().find((d) => d.id === id);
  if (!def) throw new ProcedureNotFoundError(id);
  return def;
}

export function deadlineText(t: Messages, def: ProcedureDefinition): string {
  const total = def.deadlines.find((d) => d.step === 'total') ?? def.deadlines[0];
  if (!total) return '—';
  if (total.workingDays === 0) return t.sameWorkingDay;
  return total.workingDaysWithVerification ? t.workingDaysWithVerification(total.workingDays, total.workingDaysWithVerification) : t.workingDays(total.workingDays);
}

/** Fields the applicant types (their own personal ID comes from the sign-in). */
export const askedFields = (def: ProcedureDefinition) => def.data.filter((d) => d.source.kind === 'citizen' && d.name !== 'applicant.personalId');

function describe(ctx: PageContext, def: ProcedureDefinition) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const held = def.data.filter((d) => d.source.kind === 'registry');
  const registers = [...new Set(held.map((d) => (d.source.kind === 'registry' ? d.source.registry : '')))];
  return summaryList([
    { key: t.serviceProduces, value: html`<ul class="govuk-list govuk-list--bullet">${def.services.map((s) => html`<li>${w.service(s.name, s.description)}</li>`)}</ul>` },
    { key: t.serviceAgencies, value: html`<ul class="govuk-list">${def.agencies.map((a) => html`<li>${w.agency(a)}</li>`)}</ul>` },
    { key: t.serviceDeadline, value: deadlineText(t, def) },
    { key: t.serviceYouGive, value: html`<ul class="govuk-list govuk-list--bullet">${askedFields(def).map((d) => html`<li>${w.field(d.name)}${d.required ? '' : html` ${t.optional}`}</li>`)}</ul>` },
    {
      key: t.serviceStateHolds,
      value: html`<ul class="govuk-list govuk-list--bullet">${registers.map((r) => html`<li>${w.register(r)}: ${held.filter((d) => d.source.kind === 'registry' && d.source.registry === r).map((d) => w.field(d.name)).join(', ')}</li>`)}</ul>`,
    },
    { key: t.serviceLegalBasis, value: html`<ul class="govuk-list">${def.legalBasis.map((l) => html`<li>${l}</li>`)}</ul>` },
  ]);
}

export const servicesPages = [
  page('GET', '/services', PUBLIC, async (ctx) => {
    const { t } = ctx;
    const w = words(ctx.lang);
    const content = html`<h1 class="govuk-heading-xl">${t.servicesTitle}</h1>
<p class="govuk-body-l">${t.servicesLead}</p>
${activeProcedures().map(
  (def) => html`<h2 class="govuk-heading-m"><a class="govuk-link" href="/services/${def.id}">${w.title(def.id, def.title)}</a></h2>
<p class="govuk-body">${t.serviceAgencies}: ${def.agencies.map((a) => w.agency(a)).join(', ')} · ${t.serviceDeadline}: ${deadlineText(t, def)}</p>`,
)}`;
    return ctx.c.html(await layout(ctx, { title: t.servicesTitle, content }));
  }),

  page('GET', '/services/:procedureId', PUBLIC, async (ctx) => {
    const def = procedureOr404(ctx.c.req.param('procedureId') ?? '');
    const title = words(ctx.lang).title(def.id, def.title);
    const content = html`<h1 class="govuk-heading-l">${title}</h1>
${describe(ctx, def)}
<a href="/apply/${def.id}" role="button" draggable="false" class="govuk-button" data-module="govuk-button">${ctx.t.applyNow}</a>`;
    return ctx.c.html(await layout(ctx, { title, content, before: html`<a href="/services" class="govuk-back-link">${ctx.t.backLink}</a>` }));
  }),
];
