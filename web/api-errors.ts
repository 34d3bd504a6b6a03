/**
 * The API's errors (api/errors.ts codes) as GOV.UK form errors: each names the field it is about (from the error's
 * `details`) so the page shows it in the error summary and at the field, with the code behind it.
 */
import { ApiError } from '../api/errors';
import type { FieldError } from './components';

type Detail = { field?: string; keyField?: string; path?: string; reason?: string; message?: string };

/** Field errors of an API error; `label` words a field name; errors naming no field go to `fallbackField`. */
export function fieldErrorsOf(err: ApiError, label: (field: string) => string, fallbackField: string): FieldError[] {
  const details = err.details;
  const list: Detail[] = Array.isArray(details)
    ? details.map((d) => (typeof d === 'string' ? { field: d } : (d as Detail)))
    : details && typeof details === 'object'
      ? [details as Detail]
      : [];
  const named = list
    .map((d) => ({ field: d.field ?? d.keyField ?? d.path, reason: d.reason ?? d.message }))
    .filter((d): d is { field: string; reason: string | undefined } => typeof d.field === 'string' && d.field.length > 0);
  if (named.length === 0) return [{ field: fallbackField, text: err.message, code: err.code }];
  return named.map((d) => ({
    field: d.field.replace(/^fields\./, ''),
    text: d.reason ? `${label(d.field.replace(/^fields\./, ''))}: ${d.reason}` : `${label(d.field)}: ${err.message}`,
    code: err.code,
  }));
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
