/** Run creation and closing, signals, cancellation requests, termination, run/execution timeouts. */
import { durFromMs, enums, encodeB64, Memo, SearchAttributes, msFromDur, tsFromMs } from '../proto';
import type { RunContext, Work } from './context';
import type { ParentRef, RunState } from './state';
import { scheduleWorkflowTask } from './workflow-task';
import type { temporal } from '@temporalio/proto';

type IPayloads = temporal.api.common.v1.IPayloads;
type IHeader = temporal.api.common.v1.IHeader;

 
const ET = enums.EventType;
const ST = enums.WorkflowExecutionStatus;

export interface NewRunParams {
  namespaceId: string;
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId?: string;
  workflowType: string;
  taskQueue: string;
  input?: IPayloads | null;
  header?: IHeader | null;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  identity?: string;
  requestId: string;
  memo?: temporal.api.common.v1.IMemo | null;
  searchAttributes?: temporal.api.common.v1.ISearchAttributes | null;
  retryPolicy?: temporal.api.common.v1.IRetryPolicy | null;
  parent?: ParentRef;
  continuedExecutionRunId?: string;
  initiator?: number | null;
  continuedFailure?: temporal.api.failure.v1.IFailure | null;
  lastCompletionResult?: IPayloads | null;
  executionExpiresAt?: number;
  attempt?: number;
  firstWorkflowTaskBackoffMs?: number;
  cronSchedule?: string;
  userMetadata?: temporal.api.sdk.v1.IUserMetadata | null;
  priority?: temporal.api.common.v1.IPriority | null;
}

export async function createRun(work: Work, p: NewRunParams): Promise<RunContext> {
  const now = work.now;
  const executionExpiresAt = p.executionExpiresAt ?? (p.executionTimeoutMs > 0 ? now + p.executionTimeoutMs : 0);
  const runTimeoutMs = p.runTimeoutMs > 0 ? p.runTimeoutMs : p.executionTimeoutMs;
  const state: RunState = {
    namespaceId: p.namespaceId,
    namespace: p.namespace,
    workflowId: p.workflowId,
    runId: p.runId,
    firstRunId: p.firstRunId ?? p.runId,
    workflowType: p.workflowType,
    taskQueue: p.taskQueue,
    status: ST.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: now,
    executionTime: now + (p.firstWorkflowTaskBackoffMs ?? 0),
    closeTime: null,
    nextEventId: 1,
    runTimeoutMs,
    executionTimeoutMs: p.executionTimeoutMs,
    executionExpiresAt,
    taskTimeoutMs: p.taskTimeoutMs > 0 ? Math.min(p.taskTimeoutMs, 120_000) : 10_000,
    memo: p.memo?.fields && Object.keys(p.memo.fields).length ? encodeB64(Memo, p.memo) : undefined,
    searchAttributes:
      p.searchAttributes?.indexedFields && Object.keys(p.searchAttributes.indexedFields).length
        ? encodeB64(SearchAttributes, p.searchAttributes)
        : undefined,
    startRequestId: p.requestId,
    previousStartedEventId: 0,
    wft: null,
    wftAttempt: 1,
    sticky: null,
    activities: {},
    timers: {},
    buffered: [],
    cancelRequested: false,
    completionEventId: 0,
    updates: {},
    children: {},
    parent: p.parent,
    historySizeBytes: 0,
    ...(p.cronSchedule ? { cronSchedule: p.cronSchedule } : {}),
  };
  const ctx = await work.newRun(state);
  ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'workflowExecutionStartedEventAttributes', {
    workflowType: { name: p.workflowType },
    parentWorkflowNamespace: p.parent?.namespace ?? '',
    parentWorkflowNamespaceId: p.parent?.namespaceId ?? '',
    parentWorkflowExecution: p.parent ? { workflowId: p.parent.workflowId, runId: p.parent.runId } : null,
    parentInitiatedEventId: p.parent?.initiatedEventId ?? 0,
    taskQueue: { name: p.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: p.input ?? null,
    workflowExecutionTimeout: p.executionTimeoutMs ? durFromMs(p.executionTimeoutMs) : null,
    workflowRunTimeout: runTimeoutMs ? durFromMs(runTimeoutMs) : null,
    workflowTaskTimeout: durFromMs(state.taskTimeoutMs),
    continuedExecutionRunId: p.continuedExecutionRunId ?? '',
    initiator: p.initiator ?? 0,
    continuedFailure: p.continuedFailure ?? null,
    lastCompletionResult: p.lastCompletionResult ?? null,
    originalExecutionRunId: p.runId,
    identity: p.identity ?? '',
    firstExecutionRunId: state.firstRunId,
    retryPolicy: p.retryPolicy ?? null,
    attempt: p.attempt ?? 1,
    workflowExecutionExpirationTime: executionExpiresAt ? tsFromMs(executionExpiresAt) : null,
    cronSchedule: p.cronSchedule ?? '',
    firstWorkflowTaskBackoff: p.firstWorkflowTaskBackoffMs ? durFromMs(p.firstWorkflowTaskBackoffMs) : null,
    memo: p.memo ?? null,
    searchAttributes: p.searchAttributes ?? null,
    header: p.header ?? null,
    workflowId: p.workflowId,
    priority: p.priority ?? null,
  });
  // The run timeout counts from the end of the first workflow task backoff (start delay, cron wait).
  const runStart = now + (p.firstWorkflowTaskBackoffMs ?? 0);
  if (runTimeoutMs > 0) ctx.addDeadline('run-timeout', runStart + runTimeoutMs, {}, 'run');
  if (executionExpiresAt > 0 && executionExpiresAt < runStart + (runTimeoutMs || Infinity))
    ctx.addDeadline('run-timeout', executionExpiresAt, {}, 'run');
  if (p.firstWorkflowTaskBackoffMs && p.firstWorkflowTaskBackoffMs > 0) {
    ctx.addDeadline('first-wft', now + p.firstWorkflowTaskBackoffMs, {}, 'run');
  } else {
    scheduleWorkflowTask(ctx);
  }
  return ctx;
}

export function firstWftBackoff(ctx: RunContext): void {
  if (ctx.state.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING || ctx.state.wft || ctx.state.nextEventId > 2) return;
  scheduleWorkflowTask(ctx);
}

/** An in-flight (started) workflow task is failed before a forced close (terminate, timeout). */
function failInflightWorkflowTask(ctx: RunContext, cause: number) {
  const w = ctx.state.wft;
  if (w?.state === 'started') {
    ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, 'workflowTaskFailedEventAttributes', {
      scheduledEventId: w.scheduledEventId,
      startedEventId: w.startedEventId,
      cause,
      identity: 'devserver',
    });
  }
  ctx.state.wft = null;
  ctx.flushBuffered();
}

/** Writes the close event and closes the run. Returns the close event id. */
export function closeRun(ctx: RunContext, status: number, eventType: number, attrKey: string, attrs: Record<string, unknown>): number {
  const s = ctx.state;
  const id = ctx.addEvent(eventType, attrKey, attrs);
  s.status = status;
  s.closeTime = ctx.now;
  s.completionEventId = id;
  s.wft = null;
  s.sticky = null;
  s.activities = {};
  s.timers = {};
  s.buffered = [];
  ctx.cancelAllDeadlines = true;
  ctx.visibilityDirty = true;
  ctx.work.closedRuns.push(ctx);
  return id;
}

export function terminateRun(ctx: RunContext, reason: string, details: IPayloads | null | undefined, identity: string): void {
  failInflightWorkflowTask(ctx, enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND);
  closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_TERMINATED, ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'workflowExecutionTerminatedEventAttributes', {
    reason,
    details: details ?? null,
    identity,
  });
}

/** Times the run out when its run or execution timeout has passed; `newExecutionRunId` names a cron run that follows. */
export function timeoutRun(ctx: RunContext, newExecutionRunId = ''): void {
  const s = ctx.state;
  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) return;
  const now = ctx.now;
  const runDeadline = s.runTimeoutMs > 0 ? s.executionTime + s.runTimeoutMs : Infinity;
  const execDeadline = s.executionExpiresAt > 0 ? s.executionExpiresAt : Infinity;
  if (now < Math.min(runDeadline, execDeadline)) return;
  failInflightWorkflowTask(ctx, enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND);
  closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'workflowExecutionTimedOutEventAttributes', {
    retryState: enums.RetryState.RETRY_STATE_TIMEOUT,
    newExecutionRunId,
  });
}

export function signalRun(ctx: RunContext, signalName: string, input: IPayloads | null | undefined, identity: string, header: IHeader | null | undefined): void {
  ctx.addEvent(
    ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    'workflowExecutionSignaledEventAttributes',
    { signalName, input: input ?? null, identity: identity ?? '', header: header ?? null },
    { bufferable: true },
  );
  scheduleWorkflowTask(ctx);
}

export function requestCancelRun(ctx: RunContext, reason: string, identity: string, external?: { initiatedEventId?: number; execution?: temporal.api.common.v1.IWorkflowExecution | null }): void {
  if (ctx.state.cancelRequested) return;
  ctx.state.cancelRequested = true;
  ctx.addEvent(
    ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
    'workflowExecutionCancelRequestedEventAttributes',
    { cause: reason ?? '', identity: identity ?? '', externalInitiatedEventId: external?.initiatedEventId ?? 0, externalWorkflowExecution: external?.execution ?? null },
    { bufferable: true },
  );
  scheduleWorkflowTask(ctx);
}

export { msFromDur };
