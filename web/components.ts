/**
 * GOV.UK Frontend components as server-rendered HTML (the markup of govuk-frontend's templates): error summary,
 * form fields with their errors, summary lists, tables, tags, pagination, buttons. Every value is escaped.
 */
import { html } from 'hono/html';
import type { Html } from './layout';
import { CSRF_FIELD, type Session } from './session';

/** One form error: the field's id (the summary links to it) and the message. */
export interface FieldError {
  field: string;
  text: string;
  /** The API's error code behind it (e.g. DATE_IN_FUTURE). */
  code?: string;
}

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]/g, '-')}`;

export function errorSummary(title: string, errors: readonly FieldError[]): Html | '' {
  if (errors.length === 0) return '';
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
  <h2 class="govuk-error-summary__title">${title}</h2>
  <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
    ${errors.map((e) => html`<li><a href="#${fieldId(e.field)}">${e.text}${e.code ? html` <span class="console-code">(${e.code})</span>` : ''}</a></li>`)}
  </ul></div>
</div></div>`;
}

const errorOf = (errors: readonly FieldError[] | undefined, name: string) => errors?.find((e) => e.field === name);

function errorMessage(id: string, e: FieldError | undefined): Html | '' {
  return e ? html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${e.text}${e.code ? html` <span class="console-code">(${e.code})</span>` : ''}</p>` : '';
}

export interface InputOptions {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  errors?: readonly FieldError[];
  type?: 'text' | 'date';
  width?: 'govuk-input--width-10' | 'govuk-input--width-20' | 'govuk-input--width-30' | '';
  autocomplete?: string;
  inputmode?: 'numeric';
}

/** A labelled form group around one control: its hint, its error, and the ids the control refers to. */
function formGroup(
  o: { name: string; label: string; hint?: string; errors?: readonly FieldError[] },
  control: (c: { id: string; error: boolean; describedBy: string }) => Html,
): Html {
  const id = fieldId(o.name);
  const e = errorOf(o.errors, o.name);
  const describedBy = [o.hint ? `${id}-hint` : '', e ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="govuk-form-group${e ? ' govuk-form-group--error' : ''}">
  <label class="govuk-label" for="${id}">${o.label}</label>
  ${o.hint ? html`<div id="${id}-hint" class="govuk-hint">${o.hint}</div>` : ''}
  ${errorMessage(id, e)}
  ${control({ id, error: Boolean(e), describedBy })}
</div>`;
}

export function input(o: InputOptions): Html {
  return formGroup(
    o,
    ({ id, error, describedBy }) =>
      html`<input class="govuk-input ${o.width ?? ''}${error ? ' govuk-input--error' : ''}" id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''} spellcheck="false">`,
  );
}

export function textarea(o: { name: string; label: string; hint?: string; value?: string; errors?: readonly FieldError[] }): Html {
  return formGroup(
    o,
    ({ id, error, describedBy }) =>
      html`<textarea class="govuk-textarea${error ? ' govuk-textarea--error' : ''}" id="${id}" name="${o.name}" rows="4"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>${o.value ?? ''}</textarea>`,
  );
}

/** Radios in a fieldset (the legend names the question). */
export function radios(o: { name: string; legend: string; hint?: string; value?: string; items: { value: string; text: string }[]; errors?: readonly FieldError[]; inline?: boolean }): Html {
  const id = fieldId(o.name);
  const e = errorOf(o.errors, o.name);
  const describedBy = [o.hint ? `${id}-hint` : '', e ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="govuk-form-group${e ? ' govuk-form-group--error' : ''}">
<fieldset class="govuk-fieldset"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${o.legend}</legend>
  ${o.hint ? html`<div id="${id}-hint" class="govuk-hint">${o.hint}</div>` : ''}
  ${errorMessage(id, e)}
  <div class="govuk-radios${o.inline ? ' govuk-radios--inline' : ''}" data-module="govuk-radios">
    ${o.items.map(
      (item, i) => html`<div class="govuk-radios__item"><input class="govuk-radios__input" id="${i === 0 ? id : `${id}-${i}`}" name="${o.name}" type="radio" value="${item.value}"${item.value === o.value ? html` checked` : ''}><label class="govuk-label govuk-radios__label" for="${i === 0 ? id : `${id}-${i}`}">${item.text}</label></div>`,
    )}
  </div>
</fieldset></div>`;
}

export function checkboxes(o: { name: string; legend: string; hint?: string; values?: readonly string[]; items: { value: string; text: string }[]; errors?: readonly FieldError[] }): Html {
  const id = fieldId(o.name);
  const e = errorOf(o.errors, o.name);
  return html`<div class="govuk-form-group${e ? ' govuk-form-group--error' : ''}">
<fieldset class="govuk-fieldset"${o.hint || e ? html` aria-describedby="${[o.hint ? `${id}-hint` : '', e ? `${id}-error` : ''].filter(Boolean).join(' ')}"` : ''}>
  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${o.legend}</legend>
  ${o.hint ? html`<div id="${id}-hint" class="govuk-hint">${o.hint}</div>` : ''}
  ${errorMessage(id, e)}
  <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
    ${o.items.map(
      (item, i) => html`<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="${i === 0 ? id : `${id}-${i}`}" name="${o.name}" type="checkbox" value="${item.value}"${o.values?.includes(item.value) ? html` checked` : ''}><label class="govuk-label govuk-checkboxes__label" for="${i === 0 ? id : `${id}-${i}`}">${item.text}</label></div>`,
    )}
  </div>
</fieldset></div>`;
}

export function select(o: { name: string; label: string; value?: string; items: { value: string; text: string }[] }): Html {
  const id = fieldId(o.name);
  return html`<div class="govuk-form-group"><label class="govuk-label" for="${id}">${o.label}</label>
<select class="govuk-select" id="${id}" name="${o.name}">${o.items.map((i) => html`<option value="${i.value}"${i.value === o.value ? html` selected` : ''}>${i.text}</option>`)}</select></div>`;
}

export const csrfField = (session: Session | undefined) => (session ? html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}">` : '');

export function button(text: string, opts: { secondary?: boolean; warning?: boolean; name?: string; value?: string } = {}): Html {
  const cls = opts.warning ? ' govuk-button--warning' : opts.secondary ? ' govuk-button--secondary' : '';
  return html`<button type="submit" class="govuk-button${cls}" data-module="govuk-button"${opts.name ? html` name="${opts.name}" value="${opts.value ?? ''}"` : ''}>${text}</button>`;
}

export interface SummaryRow {
  key: string;
  value: Html | string;
}

export function summaryList(rows: readonly SummaryRow[]): Html {
  return html`<dl class="govuk-summary-list">${rows.map(
    (r) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${r.key}</dt><dd class="govuk-summary-list__value">${r.value}</dd></div>`,
  )}</dl>`;
}

export function table(o: { caption?: string; head: readonly string[]; rows: readonly (readonly (Html | string)[])[]; captionClass?: string }): Html {
  return html`<table class="govuk-table">
${o.caption ? html`<caption class="govuk-table__caption ${o.captionClass ?? 'govuk-table__caption--m'}">${o.caption}</caption>` : ''}
<thead class="govuk-table__head"><tr class="govuk-table__row">${o.head.map((h) => html`<th scope="col" class="govuk-table__header">${h}</th>`)}</tr></thead>
<tbody class="govuk-table__body">${o.rows.map((r) => html`<tr class="govuk-table__row">${r.map((cell) => html`<td class="govuk-table__cell">${cell}</td>`)}</tr>`)}</tbody>
</table>`;
}

export type TagColour = 'green' | 'red' | 'yellow' | 'blue' | 'grey' | 'orange' | 'purple' | 'turquoise' | 'pink' | '';
export const tag = (text: string, colour: TagColour = '') => html`<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${text}</strong>`;

/** Previous / next links of a keyset-paged list. */
export function pagination(o: { previous?: string; next?: string; previousText: string; nextText: string; label: string }): Html | '' {
  if (!o.previous && !o.next) return '';
  return html`<nav class="govuk-pagination govuk-pagination--block" aria-label="${o.label}">
${o.previous ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${o.previous}" rel="prev"><span class="govuk-pagination__link-title">${o.previousText}</span></a></div>` : ''}
${o.next ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${o.next}" rel="next"><span class="govuk-pagination__link-title">${o.nextText}</span></a></div>` : ''}
</nav>`;
}

export const backLink = (href: string, text: string) => html`<a href="${href}" class="govuk-back-link">${text}</a>`;

export const notificationBanner = (title: string, body: Html | string, success = false) =>
  html`<div class="govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}" ${success ? html`role="alert"` : html`role="region"`} aria-labelledby="banner-title" data-module="govuk-notification-banner">
<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="banner-title">${title}</h2></div>
<div class="govuk-notification-banner__content">${body}</div></div>`;
