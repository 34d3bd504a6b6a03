/**
 * HTTP API errors: one class per condition the API alone raises, each with a code of the table
 * (domain/error-codes.ts), which gives its HTTP status. The central handler in app.ts answers them, and every other
 * CodedError (e.g. the case client's refusals, workflows/case-client.ts), as JSON `{ error: { code, message, details? } }`.
 */
import type { Context } from 'hono';
import { CodedError, type ErrorCode } from '../domain/error-codes';

export { CaseClosedError, CaseNotFoundError, EventNotAcceptedError } from '../workflows/case-client';
export { PayloadTooLargeError } from '../domain/limits';

/** Any error named by a code of the table; the API's own conditions are the subclasses below. */
export { CodedError as ApiError };

/** The API's answer for a condition whose error class lives in another layer (e.g. domain/once-only.ts). */
function answerFor(code: ErrorCode) {
  return class extends CodedError {
    constructor(message: string, details?: unknown) {
      super(code, message, details);
    }
  };
}
export const DataAlreadyHeldApiError = answerFor('DATA_ALREADY_HELD');
export const UnknownFieldApiError = answerFor('UNKNOWN_FIELD');

export class InvalidInputError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('INVALID_INPUT', message, details);
  }
}

export class ProcedureNotFoundError extends CodedError {
  constructor(id: string) {
    super('PROCEDURE_NOT_FOUND', `No procedure "${id}" in the catalog.`);
  }
}

export class ApplicantNotFoundError extends CodedError {
  constructor(personalId: string) {
    super('APPLICANT_NOT_FOUND', `No person with personal ID ${personalId} in the population database.`);
  }
}

export class ApplicantNameMismatchError extends CodedError {
  constructor() {
    super('APPLICANT_NAME_MISMATCH', 'applicant.fullName does not match the population register; it need not be given (the register supplies it).', {
      field: 'applicant.fullName',
      registry: 'population',
    });
  }
}

export class ServiceUnavailableError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('SERVICE_UNAVAILABLE', message, details);
  }
}

export class RegistryRecordNotFoundError extends CodedError {
  constructor(message: string, details: unknown) {
    super('REGISTRY_RECORD_NOT_FOUND', message, details);
  }
}

export class ActorNotAllowedError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('ACTOR_NOT_ALLOWED', message, details);
  }
}

export class FieldNotMissingError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('FIELD_NOT_MISSING', message, details);
  }
}

export class CaseNotAwaitingDataError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('NOT_AWAITING_DATA', message, details);
  }
}

/** No verified principal: a missing, expired, forged, wrong-audience or wrong-issuer token (`code` says which). */
export class UnauthenticatedError extends CodedError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

/** The route's policy admits other principals: `details.allowed` lists who may call it. */
export class RoleRequiredError extends CodedError {
  constructor(allowed: readonly string[]) {
    super('ROLE_REQUIRED', `This route is for: ${allowed.join(', ')}.`, { allowed });
  }
}

/** Deny by default: a route registered without an access policy is refused to everyone. */
export class RoutePolicyMissingError extends CodedError {
  constructor(method: string, path: string) {
    super('ROUTE_POLICY_MISSING', `${method} ${path} declares no access policy; it is refused until it does.`);
  }
}

/** A citizen applies only in their own name (the applicant is the token's personal ID). */
export class ApplicantNotPrincipalError extends CodedError {
  constructor() {
    super('APPLICANT_NOT_PRINCIPAL', 'The applicant must be the citizen the token identifies.');
  }
}

/** A list or log about one person asked for by someone else (a citizen sees only their own). */
export class PersonNotPrincipalError extends CodedError {
  constructor() {
    super('PERSON_NOT_PRINCIPAL', 'Only this person (or staff with the role for it) may list this.');
  }
}

/** An officer asking for another agency's work queue, cases or indicators. */
export class AgencyNotPrincipalError extends CodedError {
  constructor(agency: string) {
    super('AGENCY_NOT_PRINCIPAL', `This is for officers of the agency the token names; asked for: ${agency}.`, { agency });
  }
}

/** An officer filtering outside their jurisdiction (province, commune). */
export class OutsideJurisdictionError extends CodedError {
  constructor(jurisdiction: { province: string; commune?: string }) {
    super('OUTSIDE_JURISDICTION', 'The filter is outside the jurisdiction the token names.', { jurisdiction });
  }
}

/** The actor of an event or of data is the token's principal; a body naming one is refused, never trusted. */
export class BodyActorRefusedError extends CodedError {
  constructor() {
    super('BODY_ACTOR_REFUSED', 'Remove "actor": who acts is taken from the bearer token.');
  }
}

/** Too many requests from one principal (or address): retry after `details.retryAfterSeconds`. */
export class RateLimitedError extends CodedError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

/** A fact a register would refuse (domain/plausibility.ts): the code names the rule, details name the field. */
export class InconsistentFactApiError extends CodedError {
  constructor(e: { code: ErrorCode; message: string; field: string; rule: string; existing?: Record<string, string> }) {
    super(e.code, e.message, { field: e.field, rule: e.rule, ...(e.existing ? { existing: e.existing } : {}) });
  }
}

export { InvalidCursorError as InvalidCursorApiError } from '../db/engine/case-lists';

/** Validation failures from any route: one JSON shape, naming each bad field (OpenAPIHono `defaultHook`). */
export function invalidInputHook(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }, c: Context) {
  if (!result.success) {
    const issues = (result.error?.issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const summary = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
    return c.json({ error: { code: 'INVALID_INPUT', message: `Invalid input: ${summary}`, details: issues } }, 400);
  }
}

/** The API was started without payload keys: its codec endpoint cannot encode or decode. */
export class CodecUnavailableError extends CodedError {
  constructor() {
    super('CODEC_UNAVAILABLE', 'This API holds no payload encryption keys (PAYLOAD_KEYS / PAYLOAD_KEYS_FILE).');
  }
}

/** A payload sent to the codec endpoint was encrypted with a key it does not hold, or was altered. */
export class PayloadUndecodableError extends CodedError {
  constructor(message: string) {
    super('PAYLOAD_UNDECODABLE', message);
  }
}
