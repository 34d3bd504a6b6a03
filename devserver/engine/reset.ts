/**
 * ResetWorkflowExecution (after Temporal's workflow_resetter.go): the new run gets the base run's history up to
 * the WorkflowTaskStarted before the reset point, then WorkflowTaskFailed (cause RESET_WORKFLOW, base and new run
 * ids), the signals received after the point (reapplied), and a new workflow task. Its mutable state is rebuilt
 * from the copied events: activities and timers pending at the point are pending again (re-dispatched / re-armed).
 * The current run, if still running, is terminated with reason "reset".
 */
import { readmitUpdate } from './updates';
import { InvalidArgumentError, notFound } from '../errors';
import { encodeB64, enums, Memo, msFromDur, msFromTs, SearchAttributes, toNum, type TemporalTypes } from '../proto';
import * as store from '../storage/store';
import type { DecodedEvent, RunContext, Work } from './context';
import type { Engine, Namespace } from './engine';
import type { ActivityState, ResetPoint, RunState } from './state';
import { redispatchActivity } from './activities';
import { normalizeRetryPolicy } from './activity-retry';
import { terminateRun } from './lifecycle';
import { scheduleWorkflowTask } from './workflow-task';

const ET = enums.EventType;
const ST = enums.WorkflowExecutionStatus;
const RUNNING = ST.WORKFLOW_EXECUTION_STATUS_RUNNING;
const REAPPLY = enums.ResetReapplyType;
const EXCLUDE = enums.ResetReapplyExcludeType;
const MAX_RESET_POINTS = 20;

const FINISH_TYPES = new Set<number>([
  ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  ET.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  ET.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/** Records an auto reset point on the first completed workflow task of a worker binary (build id). */
export function recordResetPoint(ctx: RunContext, completedId: number, req: TemporalTypes.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest): void {
  const s = ctx.state;
  const binaryChecksum: string = req.binaryChecksum ?? '';
  const buildId: string = req.workerVersionStamp?.buildId ?? req.deployment?.buildId ?? '';
  const points = (s.resetPoints ??= []);
  if (points.some((p) => p.binaryChecksum === binaryChecksum && p.buildId === buildId)) return;
  points.push({
    binaryChecksum,
    buildId,
    runId: s.runId,
    firstWorkflowTaskCompletedId: completedId,
    createTime: ctx.now,
    resettable: Object.keys(s.children).length === 0,
  });
  if (points.length > MAX_RESET_POINTS) points.splice(0, points.length - MAX_RESET_POINTS);
}

export function resetPointsProto(points: ResetPoint[] | undefined) {
  return {
    points: (points ?? []).map((p) => ({
      binaryChecksum: p.binaryChecksum,
      buildId: p.buildId,
      runId: p.runId,
      firstWorkflowTaskCompletedId: p.firstWorkflowTaskCompletedId,
      createTime: { seconds: Math.floor(p.createTime / 1000), nanos: (p.createTime % 1000) * 1e6 },
      resettable: p.resettable,
    })),
  };
}

export type ResetRequest = TemporalTypes.api.workflowservice.v1.IResetWorkflowExecutionRequest;

/** The whole reset, in one transaction. Returns the new run id. */
export async function resetWorkflow(engine: Engine, work: Work, ns: Namespace, req: ResetRequest): Promise<string> {
  const workflowId = req.workflowExecution?.workflowId;
  if (!workflowId) throw new InvalidArgumentError('WorkflowId is not set on request.');
  const finishId = Number(req.workflowTaskFinishEventId ?? 0);
  if (!(finishId > 0)) throw new InvalidArgumentError('WorkflowTaskFinishEventId is invalid.');
  const requestId = req.requestId || engine.ids.requestId();
  const prior = await store.findRequestId(work.tx, ns.id, requestId);
  if (prior) return prior;

  const currentRunId = await store.getCurrentRun(work.tx, ns.id, workflowId, true);
  const baseRunId = req.workflowExecution?.runId || currentRunId;
  const base = baseRunId ? await work.tryRun(baseRunId) : null;
  if (!base || base.state.workflowId !== workflowId || base.state.namespaceId !== ns.id) throw notFound(`workflow not found for ID: ${workflowId}`);
  const bs = base.state;
  if (finishId >= bs.nextEventId) throw new InvalidArgumentError(`WorkflowTaskFinishEventId ${finishId} is beyond the end of the history.`);
  const history = await base.readHistoryFrom(1);
  const finish = history[finishId - 1];
  const started = history[finishId - 2];
  if (
    !finish ||
    !FINISH_TYPES.has(Number(finish.eventType)) ||
    !started ||
    Number(started.eventType) !== ET.EVENT_TYPE_WORKFLOW_TASK_STARTED
  ) {
    throw new InvalidArgumentError(
      `WorkflowTaskFinishEventId ${finishId} is not a valid reset point: it must be a WorkflowTaskCompleted, WorkflowTaskFailed or WorkflowTaskTimedOut event.`,
    );
  }

  const current = currentRunId && currentRunId !== base.state.runId ? await work.tryRun(currentRunId) : base;
  const newRunId = engine.ids.runId();
  const now = work.now;

  // Signals and updates to reapply, in their order: those of the base run after the reset point, and of the
  // current run if it is a later run. As Temporal: the deprecated reapply type SIGNAL means signals only, NONE
  // nothing; the exclude types drop signals and/or updates.
  const exclude = new Set<number>(req.resetReapplyExcludeTypes ?? []);
  if (req.resetReapplyType === REAPPLY.RESET_REAPPLY_TYPE_SIGNAL) exclude.add(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE);
  if (req.resetReapplyType === REAPPLY.RESET_REAPPLY_TYPE_NONE) {
    exclude.add(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL);
    exclude.add(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE);
  }
  const toReapply: ({ signal: TemporalTypes.api.history.v1.IWorkflowExecutionSignaledEventAttributes } | { update: TemporalTypes.api.update.v1.IRequest })[] = [];
  if (!exclude.has(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL) || !exclude.has(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE)) {
    const after = history.slice(finishId - 1);
    if (current && current !== base) after.push(...(await current.readHistoryFrom(1)));
    for (const ev of after) {
      const type = Number(ev.eventType);
      if (type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && !exclude.has(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL))
        toReapply.push({ signal: ev.workflowExecutionSignaledEventAttributes! });
      // An accepted update (or one admitted durably) is reapplied as an admitted request, once per update id.
      const request =
        type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
          ? ev.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest
          : type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED
            ? ev.workflowExecutionUpdateAdmittedEventAttributes?.request
            : null;
      const updateId = request?.meta?.updateId;
      if (updateId && !exclude.has(EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE) && !toReapply.some((r) => 'update' in r && r.update.meta?.updateId === updateId))
        toReapply.push({ update: request });
    }
  }

  const copied = history.slice(0, finishId - 1); // through the WorkflowTaskStarted before the point
  const state = rebuildState(bs, copied, newRunId, requestId, now, finishId);
  // Children still running that were started before the point now belong to the new run (their parent close
  // policy no longer applies to the terminated run); children started after the point keep the old parent.
  for (const [initiated, c] of Object.entries(state.children)) {
    const child = c.runId ? await work.tryRun(c.runId) : null;
    if (!child || child.state.status !== RUNNING || child.state.parent?.runId !== bs.runId) {
      delete state.children[initiated];
      continue;
    }
    child.state.parent = { ...child.state.parent, runId: newRunId };
    child.touch();
    child.visibilityDirty = true;
    if (current === base) delete base.state.children[initiated];
  }

  if (current && current.state.status === RUNNING) {
    terminateRun(current, 'reset', { payloads: [jsonPayload(`reset to new run ${newRunId}`)] }, req.identity || 'history-service');
  }
  base.state.resetRunId = newRunId;
  base.touch();
  if (current && current !== base) {
    current.state.resetRunId = newRunId;
    current.touch();
  }

  const ctx = await work.newRun(state);
  for (const ev of copied) ctx.copyEvent(ev);
  ctx.state.historySizeBytes = 0;
  for (const e of ctx.newEvents) ctx.state.historySizeBytes += e.data.length;
  ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, 'workflowTaskFailedEventAttributes', {
    scheduledEventId: toNum(started.workflowTaskStartedEventAttributes?.scheduledEventId),
    startedEventId: finishId - 1,
    cause: enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
    failure: { message: req.reason ?? '', source: '', resetWorkflowFailureInfo: {} },
    identity: req.identity ?? '',
    baseRunId: bs.runId,
    newRunId,
  });
  for (const r of toReapply) {
    if ('signal' in r) {
      const a = r.signal;
      ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 'workflowExecutionSignaledEventAttributes', {
        signalName: a.signalName,
        input: a.input ?? null,
        identity: a.identity ?? '',
        header: a.header ?? null,
      });
    } else {
      readmitUpdate(ctx, r.update);
    }
  }
  // Pending entities at the reset point become the new run's pending state.
  for (const act of Object.values(ctx.state.activities)) redispatchActivity(ctx, act);
  for (const t of Object.values(ctx.state.timers)) ctx.addDeadline('timer', t.fireAt, { timerId: t.timerId, started: t.startedEventId }, `timer:${t.timerId}`);
  if (state.runTimeoutMs > 0) ctx.addDeadline('run-timeout', now + state.runTimeoutMs, {}, 'run');
  if (state.executionExpiresAt > 0) ctx.addDeadline('run-timeout', Math.max(now, state.executionExpiresAt), {}, 'run');
  scheduleWorkflowTask(ctx);

  await store.setCurrentRun(work.tx, ns.id, workflowId, newRunId);
  await store.insertRequestId(work.tx, ns.id, requestId, newRunId);
  return newRunId;
}

function jsonPayload(v: unknown) {
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(v)) };
}

/** The mutable state of the new run, rebuilt from the copied events (1 .. reset point - 1). */
function rebuildState(bs: RunState, events: DecodedEvent[], newRunId: string, requestId: string, now: number, finishId: number): RunState {
  const activities: Record<string, ActivityState> = {};
  const timers: RunState['timers'] = {};
  const children: RunState['children'] = {};
  let previousStartedEventId = 0;
  let cancelRequested = false;
  // Set from WorkflowExecutionStarted, the first copied event.
  let memo: Record<string, TemporalTypes.api.common.v1.IPayload> | null = null;
  let sa: Record<string, TemporalTypes.api.common.v1.IPayload> | null = null;
  for (const ev of events) {
    const id = toNum(ev.eventId);
    switch (Number(ev.eventType)) {
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const a = ev.workflowExecutionStartedEventAttributes!;
        memo = a.memo?.fields ? { ...a.memo.fields } : {};
        sa = a.searchAttributes?.indexedFields ? { ...a.searchAttributes.indexedFields } : {};
        break;
      }
      case ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        previousStartedEventId = toNum(ev.workflowTaskCompletedEventAttributes!.startedEventId);
        break;
      case ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = ev.activityTaskScheduledEventAttributes!;
        activities[id] = {
          scheduledEventId: id,
          activityId: a.activityId!,
          activityType: a.activityType?.name ?? '',
          taskQueue: a.taskQueue?.name || bs.taskQueue,
          attempt: 1,
          state: 'scheduled',
          scheduledTime: now,
          currentAttemptScheduledTime: now,
          cancelRequested: false,
          scheduleToCloseMs: msFromDur(a.scheduleToCloseTimeout),
          scheduleToStartMs: msFromDur(a.scheduleToStartTimeout),
          startToCloseMs: msFromDur(a.startToCloseTimeout),
          heartbeatMs: msFromDur(a.heartbeatTimeout),
          retry: normalizeRetryPolicy(a.retryPolicy),
        };
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
        const act = activities[toNum(ev.activityTaskCancelRequestedEventAttributes!.scheduledEventId)];
        if (act) {
          act.cancelRequested = true;
          act.cancelRequestedEventId = id;
        }
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        delete activities[toNum(ev.activityTaskCompletedEventAttributes!.scheduledEventId)];
        break;
      case ET.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        delete activities[toNum(ev.activityTaskFailedEventAttributes!.scheduledEventId)];
        break;
      case ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        delete activities[toNum(ev.activityTaskTimedOutEventAttributes!.scheduledEventId)];
        break;
      case ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        delete activities[toNum(ev.activityTaskCanceledEventAttributes!.scheduledEventId)];
        break;
      case ET.EVENT_TYPE_TIMER_STARTED: {
        const a = ev.timerStartedEventAttributes!;
        timers[a.timerId!] = { timerId: a.timerId!, state: 'started', startedEventId: id, fireAt: msFromTs(ev.eventTime) + msFromDur(a.startToFireTimeout) };
        break;
      }
      case ET.EVENT_TYPE_TIMER_FIRED:
        delete timers[ev.timerFiredEventAttributes!.timerId!];
        break;
      case ET.EVENT_TYPE_TIMER_CANCELED:
        delete timers[ev.timerCanceledEventAttributes!.timerId!];
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        cancelRequested = true;
        break;
      case ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
        const a = ev.startChildWorkflowExecutionInitiatedEventAttributes!;
        children[id] = {
          initiatedEventId: id,
          namespace: a.namespace || bs.namespace,
          namespaceId: a.namespaceId || bs.namespaceId,
          workflowId: a.workflowId!,
          workflowType: a.workflowType?.name ?? '',
          parentClosePolicy: a.parentClosePolicy ?? 0,
          state: 'initiated',
        };
        break;
      }
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const a = ev.childWorkflowExecutionStartedEventAttributes!;
        const c = children[toNum(a.initiatedEventId)];
        if (c) {
          c.state = 'started';
          c.runId = a.workflowExecution?.runId ?? '';
          c.startedEventId = id;
        }
        break;
      }
      case ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
        delete children[toNum(ev.startChildWorkflowExecutionFailedEventAttributes!.initiatedEventId)];
        break;
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT: {
        const a =
          ev.childWorkflowExecutionCompletedEventAttributes ??
          ev.childWorkflowExecutionFailedEventAttributes ??
          ev.childWorkflowExecutionCanceledEventAttributes ??
          ev.childWorkflowExecutionTerminatedEventAttributes ??
          ev.childWorkflowExecutionTimedOutEventAttributes!;
        delete children[toNum(a?.initiatedEventId)];
        break;
      }
      case ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        for (const [k, v] of Object.entries(ev.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes?.indexedFields ?? {})) {
          if (!v?.data || v.data.length === 0) delete sa![k];
          else sa![k] = v;
        }
        break;
      case ET.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        for (const [k, v] of Object.entries(ev.workflowPropertiesModifiedEventAttributes!.upsertedMemo?.fields ?? {})) {
          if (!v?.data || v.data.length === 0) delete memo![k];
          else memo![k] = v;
        }
        break;
      default:
        break;
    }
  }
  return {
    namespaceId: bs.namespaceId,
    namespace: bs.namespace,
    workflowId: bs.workflowId,
    runId: newRunId,
    firstRunId: bs.firstRunId,
    workflowType: bs.workflowType,
    taskQueue: bs.taskQueue,
    status: RUNNING,
    startTime: now,
    executionTime: now,
    closeTime: null,
    nextEventId: 1,
    runTimeoutMs: bs.runTimeoutMs,
    executionTimeoutMs: bs.executionTimeoutMs,
    executionExpiresAt: bs.executionExpiresAt,
    taskTimeoutMs: bs.taskTimeoutMs,
    memo: memo && Object.keys(memo).length ? encodeB64(Memo, { fields: memo }) : undefined,
    searchAttributes: sa && Object.keys(sa).length ? encodeB64(SearchAttributes, { indexedFields: sa }) : undefined,
    startRequestId: requestId,
    previousStartedEventId,
    wft: null,
    wftAttempt: 1,
    sticky: null,
    activities,
    timers,
    buffered: [],
    cancelRequested,
    completionEventId: 0,
    updates: {},
    children,
    parent: bs.parent,
    historySizeBytes: 0,
    resetPoints: (bs.resetPoints ?? []).filter((p) => p.runId !== bs.runId || p.firstWorkflowTaskCompletedId <= finishId),
    lastResetTime: now,
    originalStartTime: bs.originalStartTime ?? bs.startTime,
  };
}

