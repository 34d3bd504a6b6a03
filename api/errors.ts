/**
 * HTTP API errors: one class per condition, each with a stable `code` and an HTTP status.
 * The central handler in app.ts turns them (and domain errors carrying a `code`) into JSON `{ error: { code, message, details? } }`.
 */
import type { Context } from 'hono';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503,
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

/** No verified principal: a missing, expired, forged, wrong-audience or wrong-issuer token (`code` says which). */
export class UnauthenticatedError extends ApiError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

/** The route's policy admits other principals: `details.allowed` lists who may call it. */
export class RoleRequiredError extends ApiError {
  constructor(allowed: readonly string[]) {
    super(403, 'ROLE_REQUIRED', `This route is for: ${allowed.join(', ')}.`, { allowed });
  }
}

/** Deny by default: a route registered without an access policy is refused to everyone. */
export class RoutePolicyMissingError extends ApiError {
  constructor(method: string, path: string) {
    super(403, 'ROUTE_POLICY_MISSING', `${method} ${path} declares no access policy; it is refused until it does.`);
  }
}

/** A citizen applies only in their own name (the applicant is the token's personal ID). */
export class ApplicantNotPrincipalError extends ApiError {
  constructor() {
    super(403, 'APPLICANT_NOT_PRINCIPAL', 'The applicant must be the citizen the token identifies.');
  }
}

/** A list or log about one person asked for by someone else (a citizen sees only their own). */
export class PersonNotPrincipalError extends ApiError {
  constructor() {
    super(403, 'PERSON_NOT_PRINCIPAL', 'Only this person (or staff with the role for it) may list this.');
  }
}

/** An officer asking for another agency's work queue, cases or indicators. */
export class AgencyNotPrincipalError extends ApiError {
  constructor(agency: string) {
    super(403, 'AGENCY_NOT_PRINCIPAL', `This is for officers of the agency the token names; asked for: ${agency}.`, { agency });
  }
}

/** An officer filtering outside their jurisdiction (province, commune). */
export class OutsideJurisdictionError extends ApiError {
  constructor(jurisdiction: { province: string; commune?: string }) {
    super(403, 'OUTSIDE_JURISDICTION', 'The filter is outside the jurisdiction the token names.', { jurisdiction });
  }
}

/** The actor of an event or of data is the token's principal; a body naming one is refused, never trusted. */
export class BodyActorRefusedError extends ApiError {
  constructor() {
    super(400, 'BODY_ACTOR_REFUSED', 'Remove "actor": who acts is taken from the bearer token.');
  }
}

/** Too many requests from one principal (or address): retry after `details.retryAfterSeconds`. */
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
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

/** The API was started without payload keys: its codec endpoint cannot encode or decode. */
export class CodecUnavailableError extends ApiError {
  constructor() {
    super(503, 'CODEC_UNAVAILABLE', 'This API holds no payload encryption keys (PAYLOAD_KEYS / PAYLOAD_KEYS_FILE).');
  }
}

/** A payload sent to the codec endpoint was encrypted with a key it does not hold, or was altered. */
export class PayloadUndecodableError extends ApiError {
  constructor(message: string) {
    super(422, 'PAYLOAD_UNDECODABLE', message);
  }
}
