/**
 * Activity state machine: scheduled → started → completed | failed | canceled | timed out, with retries
 * (backoff timer → scheduled again, attempt + 1). The ActivityTaskStarted event is written together with the
 * outcome (as Temporal does), so retried attempts leave no trace in history but `attempt` and last failure.
 */
import { decodeB64, durFromMs, encodeB64, enums, Failure, msFromDur, Payloads, toNum, tsFromMs } from '../proto';
import type { RunContext } from './context';
import type { temporal } from '@temporalio/proto';

type IPayloads = temporal.api.common.v1.IPayloads;
type IFailure = temporal.api.failure.v1.IFailure;
import type { ActivityState } from './state';
import { scheduleWorkflowTask } from './workflow-task';
import { activityTimeouts } from './activity-timeouts';
import { activityMachine } from './entity-machines';
import { encodeToken } from './tokens';
import { nextBackoffMs, normalizeRetryPolicy, retryDecision, retryPolicyProto } from './activity-retry';

const ET = enums.EventType;
const RS = enums.RetryState;
const TT = enums.TimeoutType;



/**
 * ScheduleActivityTask command. With `eager` (the worker asked for eager execution on its own task queue)
 * no task is queued: the caller starts the attempt right away and hands it back in the completion response.
 * Returns the scheduled event id.
 */
export function scheduleActivity(ctx: RunContext, a: temporal.api.command.v1.IScheduleActivityTaskCommandAttributes, wftCompletedEventId: number, eager = false): number {
  const s = ctx.state;
  const { scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatMs } = activityTimeouts(a, s.runTimeoutMs);
  const retry = normalizeRetryPolicy(a.retryPolicy);
  const taskQueue = a.taskQueue?.name || s.taskQueue;
  const id = ctx.addEvent(ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activityTaskScheduledEventAttributes', {
    activityId: a.activityId,
    activityType: a.activityType,
    taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    header: a.header ?? null,
    input: a.input ?? null,
    scheduleToCloseTimeout: durFromMs(scheduleToCloseMs),
    scheduleToStartTimeout: durFromMs(scheduleToStartMs),
    startToCloseTimeout: durFromMs(startToCloseMs),
    heartbeatTimeout: durFromMs(heartbeatMs),
    workflowTaskCompletedEventId: wftCompletedEventId,
    retryPolicy: retryPolicyProto(retry),
    useWorkflowBuildId: a.useWorkflowBuildId ?? false,
    priority: a.priority ?? null,
  });
  const act = {
    scheduledEventId: id,
    activityId: a.activityId,
    activityType: a.activityType?.name ?? '',
    taskQueue,
    attempt: 1,
    scheduledTime: ctx.now,
    currentAttemptScheduledTime: ctx.now,
    cancelRequested: false,
    scheduleToCloseMs,
    scheduleToStartMs,
    startToCloseMs,
    heartbeatMs,
    retry,
  } as ActivityState;
  activityMachine.apply(act, 'schedule', id);
  s.activities[id] = act;
  if (eager) act.currentAttemptScheduledTime = ctx.now;
  else dispatchAttempt(ctx, act, 'dispatch');
  if (scheduleToCloseMs > 0)
    ctx.addDeadline('activity-timeout', ctx.now + scheduleToCloseMs, { sched: id, type: TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE }, `act:${id}`);
  return id;
}

function dispatchAttempt(ctx: RunContext, act: ActivityState, action: 'dispatch' | 'retryDue') {
  activityMachine.apply(act, action, act.scheduledEventId);
  act.currentAttemptScheduledTime = ctx.now;
  ctx.enqueueTask('activity', act.taskQueue, act.scheduledEventId, act.attempt);
  if (act.scheduleToStartMs > 0)
    ctx.addDeadline('activity-timeout', ctx.now + act.scheduleToStartMs, {
      sched: act.scheduledEventId,
      att: act.attempt,
      type: TT.TIMEOUT_TYPE_SCHEDULE_TO_START,
    }, attEntity(act));
}

/**
 * Re-creates a pending activity in a new run (reset): scheduled again as attempt 1 from now, with its
 * schedule-to-close deadline.
 */
export function redispatchActivity(ctx: RunContext, act: ActivityState): void {
  act.scheduledTime = ctx.now;
  dispatchAttempt(ctx, act, 'dispatch');
  if (act.scheduleToCloseMs > 0)
    ctx.addDeadline(
      'activity-timeout',
      ctx.now + act.scheduleToCloseMs,
      { sched: act.scheduledEventId, type: TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE },
      `act:${act.scheduledEventId}`,
    );
}

/**
 * ResetActivity: the attempt goes back to 1. Waiting for its retry backoff (or still queued) → dispatched
 * now as attempt 1; running → its next retry is attempt 1, without backoff wait beyond the usual one.
 */
export function resetActivityAttempt(ctx: RunContext, act: ActivityState, resetHeartbeat: boolean): void {
  ctx.touch();
  if (resetHeartbeat) act.heartbeatDetails = undefined;
  if (act.state === 'started') {
    act.resetRequested = true;
    return;
  }
  if (act.state === 'scheduled' && act.attempt === 1) return;
  ctx.cancelDeadlines(attEntity(act));
  act.attempt = 1;
  act.resetRequested = false;
  dispatchAttempt(ctx, act, 'dispatch');
}

/** Retry backoff elapsed. */
export function retryTimerFired(ctx: RunContext, sched: number, att: number): void {
  const act = ctx.state.activities[sched];
  if (!act || act.attempt !== att) return; // stale: the activity closed or was reset meanwhile
  dispatchAttempt(ctx, act, 'retryDue');
}

/**
 * A poller claimed the task: marks the attempt started; returns the poll response, or null when the task is
 * stale (its activity closed, or it belongs to an earlier attempt).
 */
export async function startActivity(ctx: RunContext, sched: number, att: number, identity: string, requestId: string) {
  const s = ctx.state;
  const act = s.activities[sched];
  if (!act || act.attempt !== att) return null;
  activityMachine.apply(act, 'start', sched);
  act.startedTime = ctx.now;
  act.lastStartedIdentity = identity;
  act.lastStartRequestId = requestId;
  act.lastHeartbeatTime = undefined;
  ctx.touch();
  ctx.cancelDeadlines(attEntity(act)); // schedule-to-start of this attempt is moot now
  if (act.startToCloseMs > 0)
    ctx.addDeadline('activity-timeout', ctx.now + act.startToCloseMs, { sched, att, type: TT.TIMEOUT_TYPE_START_TO_CLOSE }, attEntity(act));
  if (act.heartbeatMs > 0)
    ctx.addDeadline('activity-timeout', ctx.now + act.heartbeatMs, { sched, att, type: TT.TIMEOUT_TYPE_HEARTBEAT }, attEntity(act));
  const ev = await ctx.readEvent(sched);
  const attrs = ev.activityTaskScheduledEventAttributes!; // `sched` is this activity's scheduled event
  return {
    taskToken: encodeToken({ k: 'a', ns: s.namespaceId, wf: s.workflowId, run: s.runId, sched, att, aid: act.activityId }),
    workflowNamespace: s.namespace,
    workflowType: { name: s.workflowType },
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    activityType: attrs.activityType,
    activityId: act.activityId,
    header: attrs.header,
    input: attrs.input,
    heartbeatDetails: decodeB64(Payloads, act.heartbeatDetails),
    scheduledTime: tsFromMs(act.scheduledTime),
    currentAttemptScheduledTime: tsFromMs(act.currentAttemptScheduledTime),
    startedTime: tsFromMs(ctx.now),
    attempt: act.attempt,
    scheduleToCloseTimeout: durFromMs(act.scheduleToCloseMs),
    startToCloseTimeout: durFromMs(act.startToCloseMs),
    heartbeatTimeout: durFromMs(act.heartbeatMs),
    retryPolicy: retryPolicyProto(act.retry),
    priority: attrs.priority,
  };
}

/** Finds the started attempt a token/id refers to (null = stale). */
export function findStartedActivity(ctx: RunContext, sched: number | null, att: number | null, activityId?: string): ActivityState | null {
  const s = ctx.state;
  let act: ActivityState | undefined;
  if (sched != null) act = s.activities[sched];
  else act = Object.values(s.activities).find((a) => a.activityId === activityId);
  if (!act) return null;
  if (att != null && act.attempt !== att) return null;
  if (act.state !== 'started') return null;
  return act;
}

function writeStarted(ctx: RunContext, act: ActivityState): void {
  ctx.addEvent(
    ET.EVENT_TYPE_ACTIVITY_TASK_STARTED,
    'activityTaskStartedEventAttributes',
    {
      scheduledEventId: act.scheduledEventId,
      identity: act.lastStartedIdentity ?? '',
      requestId: act.lastStartRequestId ?? '',
      attempt: act.attempt,
      lastFailure: decodeB64(Failure, act.lastFailure),
    },
    { bufferable: true },
  );
}

const attEntity = (act: ActivityState) => `att:${act.scheduledEventId}:${act.attempt}`;

function finish(ctx: RunContext, act: ActivityState, action: 'complete' | 'fail' | 'cancel' | 'timeOut') {
  activityMachine.apply(act, action, act.scheduledEventId);
  ctx.cancelDeadlines(`act:${act.scheduledEventId}`);
  ctx.cancelDeadlines(attEntity(act));
  delete ctx.state.activities[act.scheduledEventId];
  scheduleWorkflowTask(ctx);
}

export function completeActivity(ctx: RunContext, act: ActivityState, result: IPayloads | null | undefined, identity: string): void {
  writeStarted(ctx, act);
  ctx.addEvent(
    ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    'activityTaskCompletedEventAttributes',
    { result: result ?? null, scheduledEventId: act.scheduledEventId, startedEventId: 0, identity: identity ?? '' },
    { bufferable: true, linkPrev: true },
  );
  finish(ctx, act, 'complete');
}

export function cancelActivity(ctx: RunContext, act: ActivityState, details: IPayloads | null | undefined, identity: string): void {
  writeStarted(ctx, act);
  ctx.addEvent(
    ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    'activityTaskCanceledEventAttributes',
    {
      details: details ?? null,
      latestCancelRequestedEventId: act.cancelRequestedEventId ?? 0,
      scheduledEventId: act.scheduledEventId,
      startedEventId: 0,
      identity: identity ?? '',
    },
    { bufferable: true, linkPrev: true },
  );
  finish(ctx, act, 'cancel');
}



function scheduleRetry(ctx: RunContext, act: ActivityState, failure: IFailure): void {
  let backoff = nextBackoffMs(act);
  const nextDelay = failure?.applicationFailureInfo?.nextRetryDelay ? msFromDur(failure.applicationFailureInfo.nextRetryDelay) : 0;
  if (nextDelay > 0) backoff = nextDelay;
  act.lastFailure = encodeB64(Failure, failure);
  ctx.cancelDeadlines(attEntity(act));
  act.attempt += 1;
  if (act.resetRequested) {
    act.resetRequested = false;
    act.attempt = 1;
  }
  activityMachine.apply(act, 'retry', act.scheduledEventId);
  act.startedTime = undefined;
  act.currentAttemptScheduledTime = ctx.now + backoff;
  ctx.touch();
  ctx.addDeadline('activity-retry', ctx.now + backoff, { sched: act.scheduledEventId, att: act.attempt }, attEntity(act));
}

export function failActivity(ctx: RunContext, act: ActivityState, failure: IFailure | null | undefined, identity: string, lastHeartbeatDetails?: IPayloads | null): void {
  if (lastHeartbeatDetails) act.heartbeatDetails = encodeB64(Payloads, lastHeartbeatDetails);
  // An attempt stopped by ResetActivity is retried as attempt 1 whatever the retry policy says of it.
  const final = act.resetRequested ? null : retryDecision(ctx.now, act, failure ?? null);
  if (final == null) {
    scheduleRetry(ctx, act, failure ?? {});
    return;
  }
  writeStarted(ctx, act);
  ctx.addEvent(
    ET.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    'activityTaskFailedEventAttributes',
    { failure, scheduledEventId: act.scheduledEventId, startedEventId: 0, identity: identity ?? '', retryState: final },
    { bufferable: true, linkPrev: true },
  );
  finish(ctx, act, 'fail');
}

const timeoutNames: Record<number, string> = {
  [TT.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
  [TT.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
  [TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TT.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
};

/** A persisted activity deadline fired. */
export function activityTimeoutFired(ctx: RunContext, sched: number, att: number | undefined, type: number): void {
  const act = ctx.state.activities[sched];
  // Stale: the activity closed, or the deadline is of an earlier attempt (its deadlines go with it).
  if (!act) return;
  if (type !== TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE && act.attempt !== att) return;
  // A live deadline of this attempt in a state that has no such timeout: the tables were broken somewhere.
  const expected = type === TT.TIMEOUT_TYPE_SCHEDULE_TO_START ? 'scheduled' : type === TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE ? act.state : 'started';
  if (act.state !== expected) activityMachine.reject(act, 'timeOut', sched);
  if (type === TT.TIMEOUT_TYPE_HEARTBEAT) {
    const last = act.lastHeartbeatTime ?? act.startedTime ?? ctx.now;
    if (ctx.now < last + act.heartbeatMs) {
      ctx.addDeadline('activity-timeout', last + act.heartbeatMs, { sched, att, type }, attEntity(act));
      return;
    }
  }
  const heartbeatDetails = decodeB64(Payloads, act.heartbeatDetails);
  const failure = {
    message: `activity ${timeoutNames[type]} timeout`,
    source: 'Server',
    timeoutFailureInfo: { timeoutType: type, lastHeartbeatDetails: heartbeatDetails },
    cause: decodeB64(Failure, act.lastFailure),
  };
  const retryable = type === TT.TIMEOUT_TYPE_START_TO_CLOSE || type === TT.TIMEOUT_TYPE_HEARTBEAT;
  if (retryable) {
    const final = retryDecision(ctx.now, act, null);
    if (final == null) {
      scheduleRetry(ctx, act, failure);
      return;
    }
    writeTimedOut(ctx, act, failure, final);
    return;
  }
  writeTimedOut(ctx, act, failure, RS.RETRY_STATE_TIMEOUT);
}

function writeTimedOut(ctx: RunContext, act: ActivityState, failure: IFailure, retryState: number) {
  const everStarted = act.state === 'started' || act.attempt > 1;
  if (everStarted) writeStarted(ctx, act);
  ctx.addEvent(
    ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    'activityTaskTimedOutEventAttributes',
    { failure, scheduledEventId: act.scheduledEventId, startedEventId: 0, retryState },
    { bufferable: true, linkPrev: everStarted },
  );
  finish(ctx, act, 'timeOut');
}

/** Records a heartbeat; the answer tells the worker to stop the attempt (cancel requested, or ResetActivity). */
export function heartbeat(ctx: RunContext, act: ActivityState, details: IPayloads | null | undefined): { cancelRequested: boolean; activityReset: boolean } {
  act.lastHeartbeatTime = ctx.now;
  if (details) act.heartbeatDetails = encodeB64(Payloads, details);
  ctx.touch();
  return { cancelRequested: act.cancelRequested, activityReset: !!act.resetRequested };
}

/** RequestCancelActivityTask command. */
export function requestCancelActivity(ctx: RunContext, sched: number, wftCompletedEventId: number): void {
  const act = ctx.state.activities[sched];
  const id = ctx.addEvent(ET.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 'activityTaskCancelRequestedEventAttributes', {
    scheduledEventId: sched,
    workflowTaskCompletedEventId: wftCompletedEventId,
  });
  if (!act) return;
  act.cancelRequested = true;
  act.cancelRequestedEventId = id;
  if (act.state !== 'started') {
    activityMachine.apply(act, 'cancelUnstarted', sched);
    ctx.addEvent(ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED, 'activityTaskCanceledEventAttributes', {
      latestCancelRequestedEventId: id,
      scheduledEventId: sched,
      startedEventId: 0,
      identity: '',
    });
    ctx.cancelDeadlines(`act:${sched}`);
    ctx.cancelDeadlines(attEntity(act));
    delete ctx.state.activities[sched];
    ctx.work.needNewWft.add(ctx.state.runId);
  }
}


export { toNum };
