/**
 * HTTP API errors: one class per condition, each with a stable `code` and an HTTP status.
 * The central handler in app.ts turns them (and domain errors carrying a `code`) into JSON `{ error: { code, message, details? } }`.
 */
import type { Context } from 'hono';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 500 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(400, 'INVALID_INPUT', message, details);
  }
}

export class ProcedureNotFoundError extends ApiError {
  constructor(id: string) {
    super(404, 'PROCEDURE_NOT_FOUND', `No procedure "${id}" in the catalog.`);
  }
}

export class CaseNotFoundError extends ApiError {
  constructor(caseId: string) {
    super(404, 'CASE_NOT_FOUND', `No case "${caseId}".`);
  }
}

export class EventNotAcceptedError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(409, 'EVENT_NOT_ACCEPTED', message, details);
  }
}

export class DataAlreadyHeldApiError extends ApiError {
  constructor(message: string, details: unknown) {
    super(422, 'DATA_ALREADY_HELD', message, details);
  }
}

export class UnknownFieldApiError extends ApiError {
  constructor(message: string, details: unknown) {
    super(422, 'UNKNOWN_FIELD', message, details);
  }
}

export class ApplicantNotFoundError extends ApiError {
  constructor(personalId: string) {
    super(422, 'APPLICANT_NOT_FOUND', `No person with personal ID ${personalId} in the population database.`);
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(503, 'SERVICE_UNAVAILABLE', message, details);
  }
}

export class RegistryRecordNotFoundError extends ApiError {
  constructor(message: string, details: unknown) {
    super(422, 'REGISTRY_RECORD_NOT_FOUND', message, details);
  }
}

export class ActorNotAllowedError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(403, 'ACTOR_NOT_ALLOWED', message, details);
  }
}

export class FieldNotMissingError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(409, 'FIELD_NOT_MISSING', message, details);
  }
}

export class CaseNotAwaitingDataError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(409, 'NOT_AWAITING_DATA', message, details);
  }
}

export class InvalidCursorApiError extends ApiError {
  constructor(message: string) {
    super(400, 'INVALID_CURSOR', message);
  }
}

/** Validation failures from any route: one JSON shape, naming each bad field (OpenAPIHono `defaultHook`). */
export function invalidInputHook(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }, c: Context) {
  if (!result.success) {
    const issues = (result.error?.issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const summary = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
    return c.json({ error: { code: 'INVALID_INPUT', message: `Invalid input: ${summary}`, details: issues } }, 400);
  }
}
