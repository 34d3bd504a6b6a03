/**
 * Errors the devserver answers with. Each condition has its own class with a stable `code`; the gRPC layer
 * maps `status` to the wire status and, where Temporal defines one, `details` to a google.rpc.Status detail
 * (`grpc-status-details-bin`) so the SDK raises its own typed errors (e.g. WorkflowExecutionAlreadyStartedError).
 */
import { Status as GrpcStatus } from './transport/grpc-wire';

export { GrpcStatus };
/** A gRPC status code (GrpcStatus.*). */
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** A Temporal error-details message: its fully qualified type name and the encoded protobuf bytes. */
export interface ErrorDetail {
  typeUrl: string; // e.g. "type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure"
  value: Uint8Array;
}

export class DevServerError extends Error {
  constructor(
    readonly status: GrpcStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends DevServerError {
  constructor(message: string, details?: ErrorDetail) {
    super(GrpcStatus.INVALID_ARGUMENT, 'INVALID_ARGUMENT', message, details);
  }
}

/** A payload blob past the blob size error limit (Temporal's `ErrBlobSizeExceedsLimit`). */
export class BlobSizeExceededError extends DevServerError {
  constructor() {
    super(GrpcStatus.INVALID_ARGUMENT, 'BLOB_SIZE_EXCEEDS_LIMIT', 'Blob data size exceeds limit.');
  }
}

export class NotFoundError extends DevServerError {
  constructor(message: string, details?: ErrorDetail) {
    super(GrpcStatus.NOT_FOUND, 'NOT_FOUND', message, details);
  }
}

export class NamespaceNotFoundError extends DevServerError {
  constructor(namespace: string, details?: ErrorDetail) {
    super(GrpcStatus.NOT_FOUND, 'NAMESPACE_NOT_FOUND', `Namespace ${namespace} is not found.`, details);
  }
}

export class UnimplementedError extends DevServerError {
  constructor(method: string) {
    super(GrpcStatus.UNIMPLEMENTED, 'UNIMPLEMENTED', `${method} is not implemented by the development server.`);
  }
}

export class FailedPreconditionError extends DevServerError {
  constructor(message: string, details?: ErrorDetail) {
    super(GrpcStatus.FAILED_PRECONDITION, 'FAILED_PRECONDITION', message, details);
  }
}

export class AlreadyExistsError extends DevServerError {
  constructor(message: string, details?: ErrorDetail) {
    super(GrpcStatus.ALREADY_EXISTS, 'ALREADY_EXISTS', message, details);
  }
}

/**
 * A unary RPC handler: takes the decoded request message (protobufjs instance from @temporalio/proto)
 * and returns a plain object for the response type. Throw a DevServerError for an error answer.
 * `signal` aborts when the client cancels or the server stops (long polls must honour it).
 */
export type RpcHandler<Req = never, Res = object> = (request: Req, signal: AbortSignal) => Promise<Res>;

/**
 * A response message as a plain object: its fields, each optional (the encoder fills defaults). Handlers may
 * still answer a looser object (the encoder's `fromObject` checks it at the wire).
 */
export type Plain<M> = { [K in keyof M as M[K] extends (...args: never[]) => unknown ? never : K]?: M[K] | null };

/**
 * The handlers of a @temporalio/proto service, by gRPC method name, typed from the service's own declarations:
 * `StartWorkflowExecution: (req: IStartWorkflowExecutionRequest, signal) => Promise<Plain<…Response>>`.
 */
export type ServiceHandlers<S> = {
  [K in keyof S as S[K] extends { readonly name: infer N extends string } ? (string extends N ? never : N) : never]?: S[K] extends (
    request: infer Req,
  ) => Promise<infer Res>
    ? RpcHandler<Req, Plain<Res> | object>
    : never;
};
export type WorkflowServiceHandlers = ServiceHandlers<TemporalTypes.api.workflowservice.v1.WorkflowService>;
export type OperatorServiceHandlers = ServiceHandlers<TemporalTypes.api.operatorservice.v1.OperatorService>;
/** The request type of a WorkflowService method, e.g. `WorkflowRequest<'StartWorkflowExecution'>`. */
export type WorkflowRequest<M extends keyof WorkflowServiceHandlers> = Parameters<NonNullable<WorkflowServiceHandlers[M]>>[0];

// ---- Temporal error details (google.rpc.Status detail payloads) ----
import { temporal, type TemporalTypes } from './proto';

const errordetails = temporal.api.errordetails.v1;

 
function detail(typeName: keyof typeof errordetails, obj: Record<string, unknown>): ErrorDetail {
  const type = errordetails[typeName] as typeof errordetails.NotFoundFailure;
  return {
    typeUrl: `type.googleapis.com/temporal.api.errordetails.v1.${typeName}`,
    value: type.encode(type.fromObject(obj)).finish(),
  };
}

/** ALREADY_EXISTS + WorkflowExecutionAlreadyStartedFailure → the client raises WorkflowExecutionAlreadyStartedError. */
export class WorkflowAlreadyStartedError extends DevServerError {
  constructor(workflowId: string, startRequestId: string, runId: string) {
    super(
      GrpcStatus.ALREADY_EXISTS,
      'WORKFLOW_ALREADY_STARTED',
      `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${runId}.`,
      detail('WorkflowExecutionAlreadyStartedFailure', { startRequestId, runId }),
    );
  }
}

/**
 * A schedule id already in use: ALREADY_EXISTS + WorkflowExecutionAlreadyStartedFailure, as Temporal answers
 * (its schedules are workflows) — the client raises ScheduleAlreadyRunning on the status.
 */
export class ScheduleAlreadyExistsError extends DevServerError {
  constructor(scheduleId: string, createRequestId: string) {
    super(
      GrpcStatus.ALREADY_EXISTS,
      'SCHEDULE_ALREADY_EXISTS',
      `Schedule ${scheduleId} already exists and is running.`,
      detail('WorkflowExecutionAlreadyStartedFailure', { startRequestId: createRequestId, runId: '' }),
    );
  }
}

/**
 * A run has as many updates in flight as `history.maxInFlightUpdates` allows: RESOURCE_EXHAUSTED (cause
 * CONCURRENT_LIMIT), which the SDK client retries with backoff, as Temporal's update registry answers.
 */
export class UpdatesInFlightLimitError extends DevServerError {
  constructor(limit: number) {
    super(
      GrpcStatus.RESOURCE_EXHAUSTED,
      'UPDATES_IN_FLIGHT_LIMIT',
      `limit on number of concurrent in-flight updates has been reached (${limit})`,
      detail('ResourceExhaustedFailure', {
        cause: temporal.api.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT,
        scope: temporal.api.enums.v1.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE,
      }),
    );
  }
}

/** A run has taken `history.maxTotalUpdates` updates: FAILED_PRECONDITION (continue as new), as Temporal answers. */
export class UpdatesTotalLimitError extends DevServerError {
  constructor(limit: number) {
    super(GrpcStatus.FAILED_PRECONDITION, 'UPDATES_TOTAL_LIMIT', `limit on number of total updates has been reached (${limit})`);
  }
}

/** NOT_FOUND + NotFoundFailure (workflow execution, activity, task token, update...). */
export function notFound(message: string): NotFoundError {
  return new NotFoundError(message, detail('NotFoundFailure', {}));
}

export function namespaceNotFound(namespace: string): NamespaceNotFoundError {
  return new NamespaceNotFoundError(namespace, detail('NamespaceNotFoundFailure', { namespace }));
}

export function namespaceAlreadyExists(namespace: string): AlreadyExistsError {
  return new AlreadyExistsError(`Namespace ${namespace} already exists.`, detail('NamespaceAlreadyExistsFailure', {}));
}

/** The worker failed a query: INVALID_ARGUMENT + QueryFailedFailure (client raises QueryNotRegisteredError/QueryFailed). */
export function queryFailed(message: string, failure?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(message, detail('QueryFailedFailure', failure ? { failure } : {}));
}

export class DeadlineExceededError extends DevServerError {
  constructor(message: string) {
    super(GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', message);
  }
}

export class InternalError extends DevServerError {
  constructor(message: string) {
    super(GrpcStatus.INTERNAL, 'INTERNAL', message);
  }
}

/** No valid credential on the call (missing, expired or forged JWT): `code` says which (identity/token-verifier.ts). */
export class UnauthenticatedError extends DevServerError {
  constructor(code: string, message: string) {
    super(GrpcStatus.UNAUTHENTICATED, code, message);
  }
}

/** The caller's roles or task-queue scope do not cover the call; the SDK sees PermissionDeniedFailure(reason). */
export class PermissionDeniedError extends DevServerError {
  constructor(reason: string) {
    super(GrpcStatus.PERMISSION_DENIED, 'PERMISSION_DENIED', `Request unauthorized: ${reason}`, detail('PermissionDeniedFailure', { reason }));
  }
}
