/**
 * Every error code the engine uses, in one table: the HTTP status it answers with at the edge (api/app.ts's one
 * error handler) and what it means. Every layer names its errors by these codes (an error class carries one, a
 * Temporal failure's `type` is one, a JSON error body's `code` is one); a code is declared here and nowhere else
 * (test/domain/error-codes.test.ts scans the sources). Imports nothing of the project: the bottom layer.
 * The devserver is a separate Temporal-compatible server answering gRPC statuses (devserver/errors.ts); its codes
 * are not part of this table.
 */

export type HttpErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

export interface ErrorCodeEntry {
  readonly status: HttpErrorStatus;
  readonly description: string;
}

const e = (status: HttpErrorStatus, description: string): ErrorCodeEntry => ({ status, description });

export const ERROR_CODES = {
  // Requests the API refuses as malformed.
  INVALID_INPUT: e(400, 'a request body, parameter or value does not have the expected shape'),
  INVALID_REQUEST: e(400, 'a data update to a case is not { actor, fields } or names no field'),
  INVALID_CURSOR: e(400, 'a list cursor that this server did not issue or that was altered'),
  BODY_ACTOR_REFUSED: e(400, 'a body names an actor: who acts is taken from the bearer token'),
  HTTP_ERROR: e(400, 'a request the HTTP framework itself refused (its own status is kept)'),
  INVALID_QUERY: e(400, 'an operator query that cannot be run'),
  USAGE: e(400, 'a command line that does not match the command'),
  UNKNOWN_DIAGRAM_FORMAT: e(400, 'a diagram format other than mermaid or svg'),
  UNKNOWN_OPTION: e(400, 'a command-line option the command does not have'),
  CASE_REQUIRED: e(400, 'an operator command that needs a case id was given none'),
  REASON_REQUIRED: e(400, 'an operator command that changes a case needs a reason'),
  REASON_TOO_LONG: e(400, 'an operator reason longer than the log keeps'),
  STATE_REQUIRED: e(400, 'an operator reset needs the state to reset to'),
  EVENT_REQUIRED: e(400, 'an operator action needs the event to send'),
  ACTOR_REQUIRED: e(400, 'an operator action needs the actor it acts for'),
  CONFIRMATION_REQUIRED: e(400, 'a destructive operator action was not confirmed'),
  OPERATOR_REQUIRED: e(400, 'an operator command needs the operator who runs it'),
  INVALID_PERSONAL_ID: e(400, 'not a valid 12-digit personal ID'),
  INVALID_SOCIAL_INSURANCE_NUMBER: e(400, 'not a valid 10-digit social-insurance number'),
  INVALID_PROVINCE_CODE: e(400, 'not a valid province code'),
  INVALID_COMMUNE_CODE: e(400, 'not a valid commune code'),
  INVALID_IDENTIFIER_INPUT: e(400, 'an identifier built from inputs out of range'),

  // No verified principal.
  TOKEN_MISSING: e(401, 'no bearer token'),
  TOKEN_MALFORMED: e(401, 'the bearer token is not a JWT'),
  TOKEN_EXPIRED: e(401, 'the bearer token has expired'),
  TOKEN_NOT_YET_VALID: e(401, 'the bearer token is not valid yet'),
  TOKEN_WRONG_AUDIENCE: e(401, 'the bearer token is for another audience'),
  TOKEN_WRONG_ISSUER: e(401, 'the bearer token is from an issuer this API does not trust'),
  TOKEN_ALGORITHM_NOT_ALLOWED: e(401, 'the bearer token is signed with an algorithm this API refuses'),
  TOKEN_UNKNOWN_KEY: e(401, "the bearer token's signing key is not among the issuer's keys"),
  TOKEN_INVALID_SIGNATURE: e(401, "the bearer token's signature does not verify"),
  TOKEN_CLAIMS_INVALID: e(401, "the bearer token's claims do not describe a principal"),
  TOKEN_REQUIRED: e(401, 'a command-line tool needs a token and has none'),
  UNKNOWN_IDENTITY: e(401, 'the development identity provider knows no such identity'),

  // A principal that may not do this.
  ROLE_REQUIRED: e(403, 'the route is for other principals (details.allowed lists them)'),
  ROUTE_POLICY_MISSING: e(403, 'a route declares no access policy and is refused to everyone'),
  APPLICANT_NOT_PRINCIPAL: e(403, 'a citizen applies only in their own name'),
  PERSON_NOT_PRINCIPAL: e(403, 'a list or log about another person'),
  AGENCY_NOT_PRINCIPAL: e(403, "another agency's queue, cases or indicators"),
  OUTSIDE_JURISDICTION: e(403, "a filter outside the officer's jurisdiction"),
  ACTOR_NOT_ALLOWED: e(403, 'the actor may not send this event or give this data'),
  OPS_COMMANDS_LOOPBACK_ONLY: e(403, 'operator commands are accepted from the same machine only'),

  // Not found.
  CASE_NOT_FOUND: e(404, 'no such case (or not one the principal may see)'),
  PROCEDURE_NOT_FOUND: e(404, 'no such procedure in the catalog'),
  UNKNOWN_PROCEDURE: e(404, 'no such procedure (or version) in the catalog'),
  ROUTE_NOT_FOUND: e(404, 'no such route'),
  CASE_RECORD_NOT_FOUND: e(404, 'no case record for this case'),
  UNKNOWN_STATE: e(404, 'no such state in the chart'),

  // Conflicts with the state of a case or of the system.
  EVENT_NOT_ACCEPTED: e(409, 'the case refuses the event (unknown, wrong actor, bad shape, or not accepted in this state)'),
  FIELD_NOT_MISSING: e(409, 'the field was already given'),
  DATA_NOT_ACCEPTED: e(409, 'the case refused applicant data (the reason is a code of its own)'),
  NOT_AWAITING_DATA: e(409, 'the case is not waiting for applicant data'),
  CASE_CLOSED: e(409, 'the case is closed: it accepts no event or data'),
  CASE_NOT_RUNNING: e(409, 'an operator command for a running case, on a case that has ended'),
  NOTHING_TO_RETRY: e(409, 'the case has no failed step to retry'),
  NO_RESET_POINT: e(409, 'the case history has no point to reset to'),
  STATE_NOT_VISITED: e(409, 'the case never was in the state asked to reset to'),
  DATABASE_IN_USE: e(409, 'the embedded database directory is held by another process'),
  CHANGED_WITHOUT_VERSION_BUMP: e(409, 'a locked procedure version changed without a new version'),
  LOCKED_VERSION_REMOVED: e(409, 'a locked procedure version was removed while cases may run on it'),
  NOT_LOCKED: e(409, 'a procedure version missing from the lock file'),
  LOCK_CONFLICT: e(409, 'the procedure lock file disagrees with the catalog'),
  SIMULATION_MISMATCH: e(409, 'a simulated case ended otherwise than its path says'),
  DUPLICATE_WORKFLOW_ID: e(409, 'two histories replayed together share a workflow id'),
  CONCURRENT_UPDATE: e(409, 'a concurrent write changed the row first'),

  // Too large.
  PAYLOAD_TOO_LARGE: e(413, 'a body, event or data update beyond the size limits; nothing was written'),
  TOO_MANY_CASES: e(413, 'an operator command would touch more cases than it may at once'),

  // Refused by a rule.
  DATA_ALREADY_HELD: e(422, 'the state already holds this data: it must not be collected again (once-only)'),
  UNKNOWN_FIELD: e(422, 'not a field of this procedure'),
  INVALID_FIELD_VALUE: e(422, 'a field value of the wrong type or form'),
  MISSING_FIELDS: e(422, 'required fields are missing'),
  APPLICANT_NOT_FOUND: e(422, 'no such applicant in the population database'),
  APPLICANT_NAME_MISMATCH: e(422, "the applicant's name does not match the population register"),
  REGISTRY_RECORD_NOT_FOUND: e(422, 'a key the applicant gave finds no record in a registry'),
  IDEMPOTENCY_KEY_REUSED: e(422, 'an idempotency key used before with another application'),
  PAYLOAD_UNDECODABLE: e(422, 'a payload encrypted with a key this server does not hold, or altered'),
  NOT_ELIGIBLE: e(422, 'the applicant is not eligible for this step'),
  CONSENT_WITHDRAWN: e(422, 'a party withdrew their consent'),
  REPRESENTATIVE_NOT_CONFIRMED: e(422, 'the representative was not confirmed'),
  DEADLINE_LAPSED: e(422, 'a deadline passed without the awaited action'),
  // Inconsistent facts (domain/plausibility.ts): one code per rule.
  DATE_IN_FUTURE: e(422, 'a date of birth or death in the future'),
  BORN_BEFORE_PARENT: e(422, 'a child born before a parent'),
  PARENT_AGE_IMPLAUSIBLE: e(422, 'a parent of an implausible age at the birth'),
  DATE_BEFORE_BIRTH: e(422, 'a death before the birth'),
  UNKNOWN_COMMUNE: e(422, 'a commune code not in the commune table'),
  COMMUNE_NOT_IN_PROVINCE: e(422, 'a commune outside the given province'),
  UNKNOWN_PROVINCE: e(422, 'a province code not among the 34 provinces'),
  UNKNOWN_ETHNICITY: e(422, 'an ethnicity not among the recognised groups'),
  UNKNOWN_NATIONALITY: e(422, 'a nationality that is not an ISO 3166-1 alpha-2 code'),
  BIRTH_NOTICE_ALREADY_USED: e(422, 'a medical birth notice already used for a registration'),
  BIRTH_ALREADY_RECORDED: e(422, 'the birth of this child is already recorded'),
  PERSON_DECEASED: e(422, 'a person recorded as deceased'),
  // Registries and agency services.
  PERSON_NOT_FOUND: e(422, 'no such person in the population database'),
  HOUSEHOLD_NOT_FOUND: e(422, 'no such household'),
  MOTHER_NOT_FOUND: e(422, 'the mother is not in the population database'),
  FATHER_NOT_FOUND: e(422, 'the father is not in the population database'),
  APPLICANT_NOT_A_PARENT: e(422, 'the applicant is neither parent of the child'),
  BIRTH_ALREADY_REGISTERED: e(422, 'the birth is already registered'),
  DEATH_ALREADY_REGISTERED: e(422, 'the death is already registered'),
  ALREADY_DECEASED: e(422, 'the person is already recorded as deceased'),
  ALREADY_PERMANENT_RESIDENT: e(422, 'the person already has a permanent residence'),
  ALREADY_MARRIED: e(422, 'a party is already married'),
  MARRIAGE_NOT_ALLOWED: e(422, 'the marriage is not allowed by law'),
  NO_PERMANENT_RESIDENCE: e(422, 'the person has no permanent residence'),
  BENEFIT_ALREADY_PAID: e(422, 'the benefit was already paid'),
  NOT_ENTITLED: e(422, 'the person is not entitled to the benefit'),
  ALREADY_TAX_REGISTERED: e(422, 'the business is already registered for tax'),
  INVALID_REGISTRY_INPUT: e(422, 'a registry write with invalid input'),
  INVALID_SERVICE_INPUT: e(422, 'an agency service called with invalid input'),
  PERSONAL_ID_ALLOCATION_FAILED: e(500, 'no free personal ID could be allocated'),
  SOCIAL_INSURANCE_NUMBER_ALLOCATION_FAILED: e(500, 'no free social-insurance number could be allocated'),

  // Too many requests.
  RATE_LIMITED: e(429, 'too many requests from one principal or address'),

  // Faults of this system or its configuration.
  INTERNAL: e(500, 'an unexpected error; it has been logged'),
  SERVICE_FAILED: e(500, "an agency service failed for good (the failure's own type, when it has one, replaces this)"),
  SERVICE_NOT_PROVIDED: e(500, 'a chart invokes a service the procedure does not provide'),
  UNBOUND_CASE_SERVICES: e(500, "a chart's service was invoked by an actor the runner did not bind to a case"),
  REGISTRY_NOT_CONFIGURED: e(500, 'an agency service needs a registry its worker was not given'),
  MISSING_REGISTRIES: e(500, 'an agency module needs registries that were not given'),
  UNDECLARED_RECORD: e(500, 'a registry adapter method reads a record its registry does not declare to the audit'),
  INERT_DEPENDENCY: e(500, 'a simulation reached a dependency it replaces by an inert one'),
  UNKNOWN_WORKER_ROLE: e(500, 'a worker role that is not an agency or the engine'),
  AUTH_NOT_CONFIGURED: e(500, 'the API was started without trusted issuers'),
  INVALID_AUTH_CONFIG: e(500, 'the trusted-issuer configuration is invalid'),
  INVALID_GRPC_COMPRESSION: e(500, 'TEMPORAL_GRPC_COMPRESSION is neither gzip nor none'),
  INVALID_WORKER_METRICS_ADDRESS: e(500, 'WORKER_METRICS_ADDRESS is not host:port'),
  INVALID_WORKFLOW_CACHE_SIZE: e(500, 'WORKER_MAX_CACHED_WORKFLOWS is neither 0 nor a whole number ≥ 2'),
  INVALID_WORKFLOW_THREAD_COUNT: e(500, 'WORKER_WORKFLOW_THREADS is not a whole number from 1 to 64'),
  INVALID_DATABASE_TARGET: e(500, 'DATABASE_URL names no database this engine can open'),
  HOLIDAY_CALENDAR_MISSING: e(500, 'a working-day computation for a year without a holiday calendar'),
  INVALID_WORKING_DAYS: e(500, 'a working-day count that is not a whole number'),
  INVALID_HOLIDAY_DATA: e(500, 'the holiday calendar data is invalid'),
  PAYLOAD_KEYS_MISSING: e(500, 'no payload encryption keys'),
  PAYLOAD_KEYS_INVALID: e(500, 'the payload encryption keys are invalid'),
  PAYLOAD_DECRYPTION_FAILED: e(500, 'a payload could not be decrypted with the keys held'),
  CODEC_ENDPOINT_FAILED: e(500, 'the remote payload codec endpoint failed'),
  OPS_UNSUPPORTED: e(500, 'an operator command the server does not support'),
  SIMULATION_SETUP: e(500, 'a simulation lacks something it needs to run'),
  SIMULATION_TIMEOUT: e(500, 'a simulated case did not reach its end in time'),
  INVALID_LOCK_FILE: e(500, 'the procedure lock file cannot be read'),
  INVALID_HISTORY_FIXTURE: e(500, 'a recorded history fixture cannot be replayed'),

  // A dependency or feature unavailable.
  SERVICE_UNAVAILABLE: e(503, 'a dependency is unavailable'),
  CODEC_UNAVAILABLE: e(503, 'this API holds no payload encryption keys'),
  SIMULATION_UNAVAILABLE: e(503, 'this server runs no simulation engine'),
  NO_SIMULATION_INPUT: e(503, 'the procedure declares no simulation input'),
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status a code answers with: the one mapping, used by the API's error handler. */
export function httpStatusOf(code: ErrorCode): HttpErrorStatus {
  return ERROR_CODES[code].status;
}

/**
 * An error that names its condition by a code of the table and may carry details for the caller. The API's error
 * handler answers any CodedError as `{ error: { code, message, details } }` with the code's status; so do the
 * console's pages.
 */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Its HTTP status, from the table. */
  get status(): HttpErrorStatus {
    return httpStatusOf(this.code);
  }
}

/** A command line that does not match its command (the ops and procedures CLIs; exit status 64 or 2). */
export class UsageError extends CodedError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
