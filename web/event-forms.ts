/**
 * Forms for the events a case accepts now from this principal (citizen answers, officer decisions), generated from
 * the procedure's event declarations: a reason is a text area, a list (missing data, documents) lines of text and,
 * for a supplement request, check boxes of the data the applicant gave. The posted form becomes the same
 * `{ type, data }` body POST /cases/{id}/events takes, validated by the same schema and sent by the same service.
 */
import { html } from 'hono/html';
import { sendEventSchema, type SendEvent } from '../api/schemas';
import { InvalidInputError } from '../api/errors';
import { getProcedure } from '../procedures/catalog';
import type { EventDeclaration, ProcedureDefinition } from '../procedures/types';
import type { AcceptedEventInfo } from '../workflows/definitions';
import { button, checkboxes, csrfField, textarea, type FieldError } from './components';
import { words } from './i18n/procedure-text';
import type { Html } from './layout';
import type { PageContext } from './page';
import type { CaseView } from './case-parts';

const declarationOf = (def: ProcedureDefinition, type: string): EventDeclaration | undefined => def.events.find((e) => e.type === type);
const inputName = (type: string, field: string) => `${type}.${field}`;
const isRefusal = (type: string) => /^(REFUSE|DECLINE|HEAD_DECLINE)/.test(type);

function fieldsOf(decl: EventDeclaration | undefined): string[] {
  return [...new Set([...(decl?.requiredFields ?? []), ...(decl?.arrayFields ?? [])])];
}

export function eventForms(ctx: PageContext, v: CaseView, events: readonly AcceptedEventInfo[], action: string, errors: readonly FieldError[], labelOf: (field: string) => string): Html[] {
  const def = getProcedure(v.procedureId, v.procedureVersion);
  const w = words(ctx.lang);
  const { t } = ctx;
  const given = def.data.filter((d) => d.source.kind === 'citizen' && d.mode !== 'verify');
  return events.map((e) => {
    const decl = declarationOf(def, e.type);
    const inputs = fieldsOf(decl).map((f) => {
      const name = inputName(e.type, f);
      if (f === 'missing') {
        return html`${checkboxes({ name, legend: t.missingLegend, hint: t.missingHint, items: given.map((d) => ({ value: d.name, text: labelOf(d.name) })), errors })}
${textarea({ name: `${name}.documents`, label: t.missingDocumentsLabel, hint: t.missingDocumentsHint, errors })}`;
      }
      if (f === 'documents') return textarea({ name, label: t.documentsLabel, hint: t.documentsHint, errors });
      if (f === 'reason') return textarea({ name, label: t.reasonLabel, errors });
      return textarea({ name, label: labelOf(f), errors });
    });
    return html`<form method="post" action="${action}" novalidate class="govuk-!-margin-bottom-6">
${csrfField(ctx.session)}<input type="hidden" name="type" value="${e.type}">
${inputs.length > 0 ? html`<h3 class="govuk-heading-s">${w.event(e.type, e.description)}</h3>` : ''}
${inputs}
${button(w.event(e.type, e.description), { warning: isRefusal(e.type), secondary: inputs.length === 0 && !isRefusal(e.type) && e.type.startsWith('REQUIRE') })}
</form>`;
  });
}

const lines = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : [v ?? ''])
    .flatMap((s) => s.split(/\r?\n/))
    .map((s) => s.trim())
    .filter(Boolean);

/** The posted form as the API's event body (validated by the API's own schema: 400 INVALID_INPUT otherwise). */
export function eventBodyOf(v: CaseView, form: Record<string, string | string[]>): SendEvent {
  const type = typeof form.type === 'string' ? form.type : '';
  const decl = declarationOf(getProcedure(v.procedureId, v.procedureVersion), type);
  const data: Record<string, unknown> = {};
  for (const f of fieldsOf(decl)) {
    const name = inputName(type, f);
    if (decl?.arrayFields?.includes(f)) {
      const list = [...lines(form[name]), ...lines(form[`${name}.documents`])];
      if (list.length > 0) data[f] = list;
    } else {
      const text = lines(form[name]).join('\n');
      if (text) data[f] = text;
    }
  }
  const parsed = sendEventSchema.safeParse({ type, data });
  if (!parsed.success) {
    throw new InvalidInputError('Invalid input', parsed.error.issues.map((i) => ({ path: inputName(type, String(i.path.at(-1) ?? 'type')), message: i.message })));
  }
  return parsed.data;
}
