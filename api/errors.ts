/**
 * HTTP API errors: one class per condition, each with a stable `code` and an HTTP status.
 * The central handler in app.ts turns them (and domain errors carrying a `code`) into JSON `{ error: { code, message, details? } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 503,
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

export class ApplicantNameMismatchError extends ApiError {
  constructor() {
    super(422, 'APPLICANT_NAME_MISMATCH', 'applicant.fullName does not match the population register; it need not be given (the register supplies it).', {
      field: 'applicant.fullName',
      registry: 'population',
    });
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

/** A fact a register would refuse (domain/plausibility.ts): the code names the rule, details name the field. */
export class InconsistentFactApiError extends ApiError {
  constructor(e: { code: string; message: string; field: string; rule: string; existing?: Record<string, string> }) {
    super(422, e.code, e.message, { field: e.field, rule: e.rule, ...(e.existing ? { existing: e.existing } : {}) });
  }
}

export class IdempotencyKeyReusedApiError extends ApiError {
  constructor(message: string) {
    super(422, 'IDEMPOTENCY_KEY_REUSED', message);
  }
}

export class CaseClosedApiError extends ApiError {
  constructor(caseId: string) {
    super(409, 'CASE_CLOSED', `Case ${caseId} is closed: it accepts no event or data.`, { caseId });
  }
}

/** A request body, event or data update beyond the size limits (domain/limits.ts); nothing was written. */
export class PayloadTooLargeError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(413, 'PAYLOAD_TOO_LARGE', message, details);
  }
}
