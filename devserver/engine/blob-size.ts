/**
 * Temporal's per-payload blob size limits (dynamic config `limit.blobSize.warn` / `limit.blobSize.error`):
 * a payload blob past the warn limit is logged, past the error limit it is refused as Temporal does —
 *  - client requests (start input/memo, signal, signal-with-start, update args): INVALID_ARGUMENT
 *    "Blob data size exceeds limit." before anything is written;
 *  - a workflow task command carrying one: the task fails with Temporal's cause for that command and the run
 *    is terminated (Temporal's `terminateWorkflow`, reason "<Cause>: <Command>.<Field> exceeds size limit.");
 *  - an activity completion: recorded as a non-retryable server failure "Complete result exceeds size limit."
 *    (an oversized failure becomes "Failure exceeds size limit."), as Temporal's frontend does.
 * Sizes are the protobuf-encoded size of the blob (Payloads, Memo, Failure), as Temporal's `.Size()`.
 */
import type { Logger } from '../grpc';
import { BlobSizeExceededError, type WorkflowRequest, type WorkflowServiceHandlers } from '../errors';
import { enums, temporal, type TemporalTypes } from '../proto';
import type { RunContext } from './context';
import { CommandValidationError } from './activity-timeouts';
import { terminateRun } from './lifecycle';

export const DEFAULT_BLOB_SIZE_LIMIT_BYTES = 2 * 1024 * 1024;
export const DEFAULT_BLOB_SIZE_WARN_BYTES = 512 * 1024;

const common = temporal.api.common.v1;
const ET = enums.EventType;
const CT = enums.CommandType;
const CAUSE = enums.WorkflowTaskFailedCause;
type Command = TemporalTypes.api.command.v1.ICommand;

const payloadsSize = (p: unknown) => (p ? common.Payloads.encode(p as never).finish().length : 0);
const memoSize = (m: unknown) => (m ? common.Memo.encode(m as never).finish().length : 0);
const failureSize = (f: unknown) => (f ? temporal.api.failure.v1.Failure.encode(f as never).finish().length : 0);
const markerSize = (d: Record<string, unknown> | null | undefined) => Object.values(d ?? {}).reduce<number>((n, p) => n + payloadsSize(p), 0);

/** A command whose payload is past the error limit: the task fails with `failedCause` and the run is terminated. */
export class PayloadSizeCommandError extends CommandValidationError {}

/** Per command type: the blob it carries, Temporal's cause and its message. */
const COMMAND_BLOBS: Record<number, { size: (c: Command) => number; cause: number; message: string }> = {
  [CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK]: {
    size: (c) => payloadsSize(c.scheduleActivityTaskCommandAttributes?.input),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
    message: 'ScheduleActivityTaskCommandAttributes.Input exceeds size limit.',
  },
  [CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION]: {
    size: (c) => payloadsSize(c.completeWorkflowExecutionCommandAttributes?.result),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, // Temporal's own choice of cause
    message: 'CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.',
  },
  [CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION]: {
    size: (c) => failureSize(c.failWorkflowExecutionCommandAttributes?.failure),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
    message: 'FailWorkflowExecutionCommandAttributes.Failure exceeds size limit.',
  },
  [CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION]: {
    size: (c) => payloadsSize(c.cancelWorkflowExecutionCommandAttributes?.details),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_WORKFLOW_EXECUTION_ATTRIBUTES,
    message: 'CancelWorkflowExecutionCommandAttributes.Details exceeds size limit.',
  },
  [CT.COMMAND_TYPE_RECORD_MARKER]: {
    size: (c) => markerSize(c.recordMarkerCommandAttributes?.details),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
    message: 'RecordMarkerCommandAttributes.Details exceeds size limit.',
  },
  [CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION]: {
    size: (c) => payloadsSize(c.continueAsNewWorkflowExecutionCommandAttributes?.input),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES,
    message: 'ContinueAsNewWorkflowExecutionCommandAttributes.Input exceeds size limit.',
  },
  [CT.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION]: {
    size: (c) => payloadsSize(c.startChildWorkflowExecutionCommandAttributes?.input),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
    message: 'StartChildWorkflowExecutionCommandAttributes.Input exceeds size limit.',
  },
  [CT.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION]: {
    size: (c) => payloadsSize(c.signalExternalWorkflowExecutionCommandAttributes?.input),
    cause: CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_INPUT_SIZE,
    message: 'SignalExternalWorkflowExecutionCommandAttributes.Input exceeds size limit.',
  },
};

/** The configured limits; `check` logs past the warn limit and answers whether a blob is past the error limit. */
export class BlobSizeLimits {
  constructor(
    readonly errorBytes: number = DEFAULT_BLOB_SIZE_LIMIT_BYTES,
    readonly warnBytes: number = DEFAULT_BLOB_SIZE_WARN_BYTES,
    private readonly logger?: Logger,
  ) {
    if (!(errorBytes > 0) || !(warnBytes > 0)) throw new RangeError('blob size limits must be positive');
  }

  /** True when `size` is past the error limit; past the warn limit it is logged with `what`. */
  exceeds(size: number, what: string): boolean {
    if (size > this.errorBytes) {
      this.logger?.warn(`blob size ${size} bytes of ${what} exceeds the limit of ${this.errorBytes} bytes`);
      return true;
    }
    if (size > this.warnBytes) this.logger?.warn(`blob size ${size} bytes of ${what} exceeds the warn limit of ${this.warnBytes} bytes`);
    return false;
  }

  /** Refuses (INVALID_ARGUMENT) a client request carrying an oversized blob. */
  requireWithin(size: number, what: string): void {
    if (this.exceeds(size, what)) throw new BlobSizeExceededError();
  }

  /** The first command of a workflow task carrying an oversized blob. */
  commandError(commands: readonly Command[]): PayloadSizeCommandError | undefined {
    for (const c of commands) {
      const spec = COMMAND_BLOBS[c.commandType ?? 0];
      if (spec && this.exceeds(spec.size(c), spec.message.split('.')[0]!)) return new PayloadSizeCommandError(spec.cause, spec.message);
    }
    return undefined;
  }
}

/** "WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES" → "BadScheduleActivityAttributes", as Temporal names causes in reasons. */
function causeName(cause: number): string {
  const name = String(CAUSE[cause] ?? '').replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '');
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u, ch: string) => ch.toUpperCase());
}

/** Fails the started workflow task with the command's cause, then terminates the run (Temporal's terminateWorkflow). */
export function terminateForPayloadSize(ctx: RunContext, err: PayloadSizeCommandError, identity: string): void {
  const w = ctx.state.wft!;
  ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, 'workflowTaskFailedEventAttributes', {
    scheduledEventId: w.scheduledEventId,
    startedEventId: w.startedEventId,
    cause: err.failedCause,
    failure: { message: err.message, source: 'Server' },
    identity,
  });
  ctx.state.wft = null; // recorded above: terminateRun must not fail it again
  terminateRun(ctx, `${causeName(err.failedCause)}: ${err.message}`, null, 'history-service');
}

const serverFailure = (message: string) => ({ message, source: 'Server', serverFailureInfo: { nonRetryable: true } });

/**
 * Wraps the client and activity entry points of the WorkflowService with the blob size checks (the workflow
 * task completion is checked in the engine, where its failure is recorded).
 */
export function withBlobSizeLimits(h: WorkflowServiceHandlers, limits: BlobSizeLimits): void {
  /** Runs `check` on the request first; it throws to refuse, or answers a replacement request. */
  const wrap = <M extends keyof WorkflowServiceHandlers>(method: M, check: (req: WorkflowRequest<M>) => WorkflowRequest<M> | void) => {
    const inner = h[method] as ((req: WorkflowRequest<M>, signal: AbortSignal) => Promise<object>) | undefined;
    if (!inner) return;
    h[method] = (async (req: WorkflowRequest<M>, signal: AbortSignal) => inner(check(req) ?? req, signal)) as WorkflowServiceHandlers[M];
  };
  const startBlobs = (req: WorkflowRequest<'StartWorkflowExecution' | 'SignalWithStartWorkflowExecution'>) => {
    limits.requireWithin(payloadsSize(req.input), 'StartWorkflowExecution input');
    limits.requireWithin(memoSize(req.memo), 'StartWorkflowExecution memo');
  };
  wrap('StartWorkflowExecution', startBlobs);
  wrap('SignalWithStartWorkflowExecution', (req) => {
    startBlobs(req);
    limits.requireWithin(payloadsSize(req.signalInput), 'SignalWithStartWorkflowExecution signal input');
  });
  wrap('SignalWorkflowExecution', (req) => limits.requireWithin(payloadsSize(req.input), 'SignalWorkflowExecution input'));
  wrap('UpdateWorkflowExecution', (req) => limits.requireWithin(payloadsSize(req.request?.input?.args), 'UpdateWorkflowExecution args'));
  // An oversized failure is replaced by Temporal's server failure; an oversized result is recorded as the
  // activity's non-retryable failure (and the completion call succeeds).
  const failureWithin = <M extends 'RespondActivityTaskFailed' | 'RespondActivityTaskFailedById'>(method: M) =>
    wrap(method, (req) =>
      limits.exceeds(failureSize(req.failure), `${method} failure`) ? ({ ...req, failure: serverFailure('Failure exceeds size limit.') } as WorkflowRequest<M>) : undefined,
    );
  failureWithin('RespondActivityTaskFailed');
  failureWithin('RespondActivityTaskFailedById');
  const oversizedResult = serverFailure('Complete result exceeds size limit.');
  const complete = h.RespondActivityTaskCompleted;
  const fail = h.RespondActivityTaskFailed;
  if (complete && fail)
    h.RespondActivityTaskCompleted = async (req, signal) => {
      if (!limits.exceeds(payloadsSize(req.result), 'RespondActivityTaskCompleted result')) return complete(req, signal);
      const { namespace, taskToken, identity } = req;
      await fail({ namespace, taskToken, identity, failure: oversizedResult } as WorkflowRequest<'RespondActivityTaskFailed'>, signal);
      return {};
    };
  const completeById = h.RespondActivityTaskCompletedById;
  const failById = h.RespondActivityTaskFailedById;
  if (completeById && failById)
    h.RespondActivityTaskCompletedById = async (req, signal) => {
      if (!limits.exceeds(payloadsSize(req.result), 'RespondActivityTaskCompletedById result')) return completeById(req, signal);
      const { namespace, workflowId, runId, activityId, identity } = req;
      await failById({ namespace, workflowId, runId, activityId, identity, failure: oversizedResult } as WorkflowRequest<'RespondActivityTaskFailedById'>, signal);
      return {};
    };
}
