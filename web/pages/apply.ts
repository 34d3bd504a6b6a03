/**
 * Apply once: a form generated from the procedure's data declarations (only citizen-sourced fields are asked), a
 * preview of what the application will use — what the citizen gave, and what the state holds with its register —
 * and a confirmation that submits through the API's case service. Errors are shown inline with the API's codes.
 * Re-submitting the same application shows the existing case (the service's idempotency), never a duplicate.
 */
import { html } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { submitApplicationSchema } from '../../api/schemas';
import { InvalidInputError } from '../../api/errors';
import { checkFieldValue } from '../../domain/once-only';
import type { FieldDeclaration, ProcedureDefinition } from '../../procedures/types';
import { button, csrfField, errorSummary, fieldId, input, radios, summaryList, type FieldError } from '../components';
import { fieldErrorsOf, isApiError } from '../api-errors';
import { words } from '../i18n/procedure-text';
import { layout } from '../layout';
import { page, type SignedInContext } from '../page';
import { askedFields, procedureOr404 } from './services';
import { displayValue } from '../format';

const CITIZEN = allow('citizen');
const ANY_FIELD = '_form';

function fieldInput(ctx: SignedInContext, d: FieldDeclaration, value: string | undefined, errors: FieldError[]) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const label = `${w.field(d.name).replace(/^./, (c) => c.toUpperCase())}${d.required ? '' : ` ${t.optional}`}`;
  if (d.type === 'enum' && d.enumValues) {
    return radios({ name: d.name, legend: label, value, errors, inline: true, items: d.enumValues.map((v) => ({ value: v, text: w.enumValue(v) })) });
  }
  const hint =
    d.type === 'date' ? t.hintDate : d.type === 'personalId' ? t.hintPersonalId : d.type === 'communeCode' ? t.hintCommune : d.name.endsWith('provinceCode') ? t.hintProvince : undefined;
  const numeric = d.type === 'personalId' || d.type === 'communeCode' || d.name.endsWith('provinceCode');
  return input({ name: d.name, label, hint, value, errors, width: numeric ? 'govuk-input--width-20' : 'govuk-input--width-30', ...(numeric ? { inputmode: 'numeric' as const } : {}) });
}

/** The citizen's answers from a posted form: only the procedure's asked fields, trimmed, empty ones left out. */
function answersOf(def: ProcedureDefinition, form: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of askedFields(def)) {
    const v = form[d.name];
    const s = (Array.isArray(v) ? v[0] : v)?.trim();
    if (s) out[d.name] = s;
  }
  return out;
}

/** Required fields left empty and values of the wrong shape, checked as the service checks them. */
function checkAnswers(ctx: SignedInContext, def: ProcedureDefinition, answers: Record<string, string>): FieldError[] {
  const w = words(ctx.lang);
  const errors: FieldError[] = [];
  for (const d of askedFields(def)) {
    const v = answers[d.name];
    if (v === undefined) {
      if (d.required) errors.push({ field: d.name, text: ctx.t.errorRequired(w.field(d.name)) });
      continue;
    }
    const problem = checkFieldValue(d, v);
    if (problem) errors.push({ field: d.name, text: ctx.t.errorInvalid(w.field(d.name), problem), code: 'INVALID_INPUT' });
  }
  return errors;
}

async function formPage(ctx: SignedInContext, def: ProcedureDefinition, answers: Record<string, string>, errors: FieldError[]) {
  const { t } = ctx;
  const w = words(ctx.lang);
  const title = t.applyTitle(w.title(def.id, def.title));
  const formErrors = errors.filter((e) => e.field === ANY_FIELD);
  const content = html`${errorSummary(t.errorSummaryTitle, errors)}
<h1 class="govuk-heading-l">${title}</h1>
<p class="govuk-body">${t.applyLead}</p>
${summaryList([{ key: t.applyYouAre, value: ctx.principal.kind === 'citizen' ? ctx.principal.personalId : '' }])}
${formErrors.map((e) => html`<p class="govuk-error-message" id="${fieldId(ANY_FIELD)}">${e.text}${e.code ? ` (${e.code})` : ''}</p>`)}
<form method="post" action="/apply/${def.id}/preview" novalidate>
  ${csrfField(ctx.session)}
  ${askedFields(def).map((d) => fieldInput(ctx, d, answers[d.name], errors))}
  ${button(t.previewButton)}
</form>`;
  return ctx.c.html(await layout(ctx, { title, content, hasErrors: errors.length > 0, before: html`<a href="/services/${def.id}" class="govuk-back-link">${t.backLink}</a>` }), errors.length > 0 ? 400 : 200);
}

const hiddenAnswers = (answers: Record<string, string>) => Object.entries(answers).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);

async function errorsOrThrow(ctx: SignedInContext, err: unknown): Promise<FieldError[]> {
  if (!isApiError(err) || err.status >= 500 || err.status === 404 || err.status === 403) throw err;
  return fieldErrorsOf(err, words(ctx.lang).field, ANY_FIELD);
}

export const applyPages = [
  page('GET', '/apply/:procedureId', CITIZEN, async (ctx) => formPage(ctx, procedureOr404(ctx.c.req.param('procedureId') ?? ''), {}, [])),

  page('POST', '/apply/:procedureId/edit', CITIZEN, async (ctx) => {
    const def = procedureOr404(ctx.c.req.param('procedureId') ?? '');
    return formPage(ctx, def, answersOf(def, ctx.form), []);
  }),

  page('POST', '/apply/:procedureId/preview', CITIZEN, async (ctx) => {
    const { t } = ctx;
    const w = words(ctx.lang);
    const def = procedureOr404(ctx.c.req.param('procedureId') ?? '');
    const answers = answersOf(def, ctx.form);
    const problems = checkAnswers(ctx, def, answers);
    if (problems.length > 0) return formPage(ctx, def, answers, problems);
    let preview;
    try {
      preview = await ctx.deps.service.previewApplication(ctx.principal, { procedureId: def.id, fields: answers });
    } catch (err) {
      return formPage(ctx, def, answers, await errorsOrThrow(ctx, err));
    }
    const title = t.previewTitle;
    const content = html`<h1 class="govuk-heading-l">${title}</h1>
<p class="govuk-body">${t.previewLead}</p>
<h2 class="govuk-heading-m">${t.previewHeld}</h2>
${summaryList(
  preview.held.map((h) => ({
    key: w.field(h.field),
    value: html`${'value' in h ? displayValue(h.value) : html`<span class="govuk-hint">${t.previewHeldLater}</span>`}<br><span class="govuk-body-s console-source">${t.fromRegister(w.register(h.registry))}</span>`,
  })),
)}
<h2 class="govuk-heading-m">${t.previewYourAnswers}</h2>
${summaryList(preview.given.map((g) => ({ key: w.field(g.field), value: def.data.find((d) => d.name === g.field)?.type === 'enum' ? w.enumValue(String(g.value)) : displayValue(g.value) })))}
<h2 class="govuk-heading-m">${t.previewProduced}</h2>
<ul class="govuk-list govuk-list--bullet">${preview.produced.map((p) => html`<li>${w.field(p.field)} — ${t.previewProducedBy(p.step)}</li>`)}</ul>
<form method="post" action="/apply/${def.id}" novalidate>${csrfField(ctx.session)}${hiddenAnswers(answers)}${button(t.confirmApply)}</form>
<form method="post" action="/apply/${def.id}/edit" novalidate>${csrfField(ctx.session)}${hiddenAnswers(answers)}${button(t.changeAnswers, { secondary: true })}</form>`;
    return ctx.c.html(await layout(ctx, { title, content }));
  }),

  page('POST', '/apply/:procedureId', CITIZEN, async (ctx) => {
    const def = procedureOr404(ctx.c.req.param('procedureId') ?? '');
    const answers = answersOf(def, ctx.form);
    const personalId = ctx.principal.kind === 'citizen' ? ctx.principal.personalId : '';
    // The same schema as POST /applications, then the same service call.
    const parsed = submitApplicationSchema.safeParse({ procedureId: def.id, channel: 'portal', applicant: { personalId }, fields: answers });
    try {
      if (!parsed.success) throw new InvalidInputError('Invalid input', parsed.error.issues.map((i) => ({ path: i.path.slice(1).map(String).join('.'), message: i.message })));
      const result = await ctx.deps.service.submitApplication(ctx.principal, parsed.data);
      return ctx.c.redirect(`/my/cases/${encodeURIComponent(result.caseId)}?${result.duplicate ? 'duplicate' : 'submitted'}=1`, 303);
    } catch (err) {
      return formPage(ctx, def, answers, await errorsOrThrow(ctx, err));
    }
  }),
];
