/** The workflow-task state machine: schedule → start → complete | fail | time out (→ next attempt). */
import { durFromMs, enums, tsFromMs, type TemporalTypes } from '../proto';
import { EncodedHistory } from '../encoded-history';
import type { RunContext } from './context';
import { encodeToken } from './tokens';
import { updateMachine, workflowTaskMachine } from './entity-machines';
import type { WorkflowTaskState } from './state';

 
const ET = enums.EventType;
const ST = enums.WorkflowExecutionStatus;

/** Schedules a workflow task unless one is already scheduled or running (buffered events trigger the next). */
export function scheduleWorkflowTask(ctx: RunContext): void {
  const s = ctx.state;
  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING || s.wft) return;
  // A sticky queue whose worker shut down or stopped polling: the task goes to the normal queue right away.
  if (s.sticky && !ctx.work.host.stickyQueues.isAvailable(s.namespaceId, s.sticky.taskQueue)) s.sticky = null;
  const sticky = s.sticky;
  const taskQueue = sticky ? sticky.taskQueue : s.taskQueue;
  const attempt = s.wftAttempt;
  const id = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 'workflowTaskScheduledEventAttributes', {
    taskQueue: sticky
      ? { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: s.taskQueue }
      : { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    startToCloseTimeout: durFromMs(s.taskTimeoutMs),
    attempt,
  });
  const w = {
    scheduledEventId: id,
    startedEventId: 0,
    attempt,
    taskQueue,
    sticky: !!sticky,
    scheduledTime: ctx.now,
    startedTime: 0,
    startToCloseMs: s.taskTimeoutMs,
  } as WorkflowTaskState;
  workflowTaskMachine.apply(w, 'schedule', id);
  s.wft = w;
  ctx.enqueueTask('workflow', taskQueue, id, attempt);
  if (sticky && sticky.scheduleToStartMs > 0) {
    ctx.addDeadline('wft-sticky-timeout', ctx.now + sticky.scheduleToStartMs, { sched: id }, 'wft');
  }
}

/** Sticky schedule-to-start timeout: the task goes back to the normal queue (full history). */
export function stickyTimeout(ctx: RunContext, sched: number): void {
  const s = ctx.state;
  const w = s.wft;
  // Stale: the task started (its sticky deadline went with it), closed, or already moved.
  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING || !w || w.scheduledEventId !== sched || w.state !== 'scheduled' || !w.sticky) return;
  workflowTaskMachine.apply(w, 'moveToNormalQueue', sched);
  ctx.work.deleteTasks.push({ runId: s.runId, kind: 'workflow', sched });
  s.sticky = null;
  w.sticky = false;
  w.taskQueue = s.taskQueue;
  ctx.enqueueTask('workflow', s.taskQueue, sched, w.attempt);
}

/** Marks the scheduled task started; returns false if the claimed task is stale. */
export function startWorkflowTask(ctx: RunContext, sched: number, identity: string, requestId: string): boolean {
  const s = ctx.state;
  const w = s.wft;
  // A stale queue entry (the task already started through another queue entry, or closed): nothing to start.
  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING || !w || w.state !== 'scheduled' || w.scheduledEventId !== sched) return false;
  const startedId = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_STARTED, 'workflowTaskStartedEventAttributes', {
    scheduledEventId: sched,
    identity,
    requestId,
    ...ctx.work.host.historyLimits.startedAttributes(s),
  });
  workflowTaskMachine.apply(w, 'start', sched);
  w.startedEventId = startedId;
  w.startedTime = ctx.now;
  w.identity = identity;
  ctx.cancelDeadlines('wft');
  ctx.addDeadline('wft-timeout', ctx.now + w.startToCloseMs, { sched, started: startedId }, 'wft');
  return true;
}

/** Builds the PollWorkflowTaskQueueResponse for a just-started task. */
export async function workflowTaskResponse(ctx: RunContext, extra: { messages?: TemporalTypes.api.protocol.v1.IMessage[]; queries?: Record<string, TemporalTypes.api.query.v1.IWorkflowQuery> }) {
  const s = ctx.state;
  const w = s.wft!;
  const fromId = w.sticky && s.previousStartedEventId > 0 ? s.previousStartedEventId + 1 : 1;
  const events = await ctx.readEncodedHistoryFrom(fromId);
  return {
    taskToken: encodeToken({ k: 'w', ns: s.namespaceId, wf: s.workflowId, run: s.runId, sched: w.scheduledEventId, att: w.attempt }),
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: { name: s.workflowType },
    previousStartedEventId: s.previousStartedEventId,
    startedEventId: w.startedEventId,
    attempt: w.attempt,
    history: new EncodedHistory(events),
    nextPageToken: null,
    workflowExecutionTaskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: tsFromMs(w.scheduledTime),
    startedTime: tsFromMs(w.startedTime),
    queries: extra.queries ?? {},
    messages: extra.messages ?? [],
  };
}

/** Records WorkflowTaskFailed, drops stickiness and schedules the next attempt (buffered events flushed). */
export function failWorkflowTask(ctx: RunContext, cause: number, failure: TemporalTypes.api.failure.v1.IFailure | null | undefined, identity: string): void {
  const s = ctx.state;
  const w = s.wft!;
  ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, 'workflowTaskFailedEventAttributes', {
    scheduledEventId: w.scheduledEventId,
    startedEventId: w.startedEventId,
    cause,
    failure: failure ?? null,
    identity: identity ?? '',
  });
  workflowTaskMachine.apply(w, 'fail', w.scheduledEventId);
  ctx.cancelDeadlines('wft');
  s.wft = null;
  s.sticky = null;
  // A new attempt after an explicit failure; UNHANDLED_COMMAND is not the worker's fault (fresh attempt 1).
  s.wftAttempt = cause === enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND ? 1 : w.attempt + 1;
  ctx.flushBuffered();
  resetUpdatesSentIn(ctx, w.scheduledEventId);
  scheduleWorkflowTask(ctx);
}

/** Workflow task start-to-close timeout. */
export function timeoutWorkflowTask(ctx: RunContext, sched: number, started: number): void {
  const s = ctx.state;
  const w = s.wft;
  // Stale: the task this deadline was for has completed or failed.
  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING || !w || w.scheduledEventId !== sched || w.state !== 'started' || w.startedEventId !== started) return;
  workflowTaskMachine.apply(w, 'timeOut', sched);
  ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, 'workflowTaskTimedOutEventAttributes', {
    scheduledEventId: sched,
    startedEventId: started,
    timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
  });
  ctx.cancelDeadlines('wft');
  s.wft = null;
  s.sticky = null;
  s.wftAttempt = w.attempt + 1;
  ctx.flushBuffered();
  resetUpdatesSentIn(ctx, sched);
  scheduleWorkflowTask(ctx);
}

/** Updates delivered in a task that did not complete go back to "requested" (redelivered next task). */
export function resetUpdatesSentIn(ctx: RunContext, sched: number): void {
  for (const u of Object.values(ctx.state.updates)) {
    if (u.state === 'sent' && u.sentInWftScheduledEventId === sched && !u.admittedEventId) {
      updateMachine.apply(u, 'redeliver', u.updateId);
      u.sentInWftScheduledEventId = undefined;
    }
  }
}
