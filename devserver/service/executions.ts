/** Start / signal / signal-with-start / cancel / terminate / describe. */
import { InvalidArgumentError, notFound, WorkflowAlreadyStartedError, type WorkflowServiceHandlers } from '../errors';
import { decodeB64, durFromMs, enums, Memo, msFromDur, SearchAttributes, tsFromMs, type TemporalTypes } from '../proto';
import * as store from '../storage/store';
import type { Engine, Namespace } from '../engine/engine';
import type { RunContext, Work } from '../engine/context';
import { createRun, requestCancelRun, signalRun, terminateRun } from '../engine/lifecycle';
import { pendingActivityInfo } from '../engine/activity-info';
import { resetPointsProto } from '../engine/reset';
import { cronBackoffMs, cronSpec } from '../engine/cron';
import { startNewWorkflowTask } from '../engine/sync-match';

 
const ST = enums.WorkflowExecutionStatus;
const RUNNING = ST.WORKFLOW_EXECUTION_STATUS_RUNNING;
const REUSE = enums.WorkflowIdReusePolicy;
const CONFLICT = enums.WorkflowIdConflictPolicy;

function requireField(v: unknown, name: string) {
  if (v == null || v === '') throw new InvalidArgumentError(`${name} is not set on request.`);
}

/** Loads the run addressed by an execution (current run when runId is empty), locked, or NOT_FOUND. */
export async function loadTarget(work: Work, ns: Namespace, exec: TemporalTypes.api.common.v1.IWorkflowExecution | null | undefined): Promise<RunContext> {
  if (!exec?.workflowId) throw new InvalidArgumentError('WorkflowId is not set on request.');
  const runId = exec.runId || (await work.host.currentRunId(work.tx, ns.id, exec.workflowId));
  if (!runId) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
  const ctx = await work.tryRun(runId);
  if (!ctx || ctx.state.workflowId !== exec.workflowId || ctx.state.namespaceId !== ns.id)
    throw notFound(`workflow not found for ID: ${exec.workflowId}`);
  return ctx;
}

function requireRunning(ctx: RunContext) {
  if (ctx.state.status !== RUNNING) throw notFound('workflow execution already completed');
}

interface StartOutcome {
  runId: string;
  started: boolean;
  ctx: RunContext | null;
}

/** Start logic shared by StartWorkflowExecution and SignalWithStartWorkflowExecution (inside `work`). */
type StartRequest = TemporalTypes.api.workflowservice.v1.IStartWorkflowExecutionRequest | TemporalTypes.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest;

/** A start request whose required fields validateStart has checked. */
type CheckedStart<R extends StartRequest = StartRequest> = R & { workflowId: string; workflowType: { name: string }; taskQueue: { name: string } };

async function startInWork(engine: Engine, work: Work, ns: Namespace, req: CheckedStart, signalOnExisting: boolean): Promise<StartOutcome> {
  const requestId: string = req.requestId || engine.ids.requestId();
  // Read without locks: the run's write sets the current-run pointer by compare-and-set and records the
  // request id, so a concurrent start makes it fail and this start is retried from here. A plain start first
  // tries blind, expecting a new workflow id and a new request id (the common case, one round trip): if
  // either exists the write fails as a concurrent update and the retry reads them.
  const blind = !signalOnExisting && work.attempt === 0;
  const { prior, current: curRunId } = blind
    ? { prior: null, current: null }
    : await store.startLookup(work.tx, ns.id, requestId, req.workflowId);
  if (prior) return { runId: prior, started: true, ctx: null };
  if (curRunId) {
    const cur = await work.run(curRunId);
    if (cur.state.status === RUNNING) {
      if (signalOnExisting) return { runId: curRunId, started: false, ctx: cur };
      const conflict = req.workflowIdConflictPolicy ?? 0;
      if (conflict === CONFLICT.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return { runId: curRunId, started: false, ctx: null };
      if (
        conflict === CONFLICT.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ||
        req.workflowIdReusePolicy === REUSE.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING
      ) {
        terminateRun(cur, 'terminated by a new start (workflow id conflict policy)', null, req.identity ?? '');
      } else {
        throw new WorkflowAlreadyStartedError(req.workflowId, cur.state.startRequestId, curRunId);
      }
    } else {
      const policy = req.workflowIdReusePolicy ?? 0;
      if (policy === REUSE.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        throw new WorkflowAlreadyStartedError(req.workflowId, cur.state.startRequestId, curRunId);
      if (
        policy === REUSE.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
        cur.state.status === ST.WORKFLOW_EXECUTION_STATUS_COMPLETED
      )
        throw new WorkflowAlreadyStartedError(req.workflowId, cur.state.startRequestId, curRunId);
    }
  }
  const runId = engine.ids.runId();
  const ctx = await createRun(work, {
    namespaceId: ns.id,
    namespace: ns.name,
    workflowId: req.workflowId,
    runId,
    workflowType: req.workflowType.name,
    taskQueue: req.taskQueue.name,
    input: req.input,
    header: req.header,
    executionTimeoutMs: msFromDur(req.workflowExecutionTimeout),
    runTimeoutMs: msFromDur(req.workflowRunTimeout),
    taskTimeoutMs: msFromDur(req.workflowTaskTimeout),
    identity: req.identity ?? undefined,
    requestId,
    memo: req.memo,
    searchAttributes: req.searchAttributes,
    retryPolicy: req.retryPolicy,
    cronSchedule: req.cronSchedule ?? undefined,
    // A cron workflow's first run waits for the first cron time.
    firstWorkflowTaskBackoffMs: req.cronSchedule ? (cronBackoffMs(req.cronSchedule, work.now, work.now) ?? 0) : msFromDur(req.workflowStartDelay),
    lastCompletionResult: 'lastCompletionResult' in req ? req.lastCompletionResult : undefined,
    continuedFailure: 'continuedFailure' in req ? req.continuedFailure : undefined,
    priority: req.priority,
  });
  ctx.currentRun = { prev: curRunId };
  ctx.requestId = requestId;
  return { runId, started: true, ctx };
}

function validateStart<R extends StartRequest>(req: R): asserts req is CheckedStart<R> {
  requireField(req.workflowId, 'WorkflowId');
  requireField(req.workflowType?.name, 'WorkflowType');
  requireField(req.taskQueue?.name, 'TaskQueue');
  if (req.workflowId!.length > 1000) throw new InvalidArgumentError('WorkflowId exceeds length limit.');
  if (req.cronSchedule) {
    cronSpec(req.cronSchedule); // INVALID_ARGUMENT when malformed
    if (msFromDur(req.workflowStartDelay) > 0) throw new InvalidArgumentError('CronSchedule and WorkflowStartDelay may not be used together.');
  }
}

export function executionHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async StartWorkflowExecution(req) {
      validateStart(req);
      const ns = await engine.namespace(req.namespace);
      await engine.validateSearchAttributes(ns.id, req.searchAttributes);
      const out = await engine.transact(async (work) => {
        const o = await startInWork(engine, work, ns, req, false);
        // Eager workflow start (as Temporal's): the new run's first workflow task is started in the same write and
        // handed to the caller, whose in-process worker runs it (no poll, no dispatch). Declined, as by Temporal,
        // for an existing run or a delayed first task (start delay, cron): then it is queued as usual.
        const eagerWorkflowTask = req.requestEagerExecution && o.started && o.ctx
          ? await startNewWorkflowTask(o.ctx, req.identity ?? '', engine.ids.requestId())
          : null;
        return { ...o, eagerWorkflowTask };
      }, { optimistic: true });
      return { runId: out.runId, started: out.started, ...(out.eagerWorkflowTask ? { eagerWorkflowTask: out.eagerWorkflowTask } : {}) };
    },

    async SignalWithStartWorkflowExecution(req) {
      validateStart(req);
      requireField(req.signalName, 'SignalName');
      const ns = await engine.namespace(req.namespace);
      await engine.validateSearchAttributes(ns.id, req.searchAttributes);
      const out = await engine.transact(async (work) => {
        const o = await startInWork(engine, work, ns, req, true);
        if (o.ctx) signalRun(o.ctx, req.signalName ?? '', req.signalInput, req.identity ?? '', req.header);
        return o;
      }, { optimistic: true });
      return { runId: out.runId, started: out.started };
    },

    async SignalWorkflowExecution(req) {
      requireField(req.signalName, 'SignalName');
      const ns = await engine.namespace(req.namespace);
      await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, req.workflowExecution);
        requireRunning(ctx);
        signalRun(ctx, req.signalName ?? '', req.input, req.identity ?? '', req.header);
      }, { optimistic: true });
      return {};
    },

    async RequestCancelWorkflowExecution(req) {
      const ns = await engine.namespace(req.namespace);
      await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, req.workflowExecution);
        if (req.firstExecutionRunId && ctx.state.firstRunId !== req.firstExecutionRunId) throw notFound('workflow execution not found');
        requireRunning(ctx);
        requestCancelRun(ctx, req.reason ?? '', req.identity ?? '');
      }, { optimistic: true });
      return {};
    },

    async TerminateWorkflowExecution(req) {
      const ns = await engine.namespace(req.namespace);
      await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, req.workflowExecution);
        if (req.firstExecutionRunId && ctx.state.firstRunId !== req.firstExecutionRunId) throw notFound('workflow execution not found');
        requireRunning(ctx);
        terminateRun(ctx, req.reason ?? '', req.details, req.identity ?? '');
      });
      return {};
    },

    async DescribeWorkflowExecution(req) {
      const ns = await engine.namespace(req.namespace);
      const exec = req.execution;
      if (!exec?.workflowId) throw new InvalidArgumentError('WorkflowId is not set on request.');
      const runId = await engine.resolveRunId(ns.id, exec.workflowId, exec.runId);
      const s = runId ? await engine.readRun(runId) : null;
      if (!s || s.workflowId !== exec.workflowId || s.namespaceId !== ns.id) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
      const now = engine.now();
      const w = s.wft;
      return {
        executionConfig: {
          taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          workflowExecutionTimeout: s.executionTimeoutMs ? durFromMs(s.executionTimeoutMs) : null,
          workflowRunTimeout: s.runTimeoutMs ? durFromMs(s.runTimeoutMs) : null,
          defaultWorkflowTaskTimeout: durFromMs(s.taskTimeoutMs),
        },
        workflowExecutionInfo: {
          execution: { workflowId: s.workflowId, runId: s.runId },
          type: { name: s.workflowType },
          startTime: tsFromMs(s.startTime),
          closeTime: s.closeTime ? tsFromMs(s.closeTime) : null,
          status: s.status,
          historyLength: s.nextEventId - 1,
          parentNamespaceId: s.parent?.namespaceId ?? '',
          parentExecution: s.parent ? { workflowId: s.parent.workflowId, runId: s.parent.runId } : null,
          executionTime: tsFromMs(s.executionTime),
          memo: decodeB64(Memo, s.memo) ?? { fields: {} },
          searchAttributes: decodeB64(SearchAttributes, s.searchAttributes) ?? { indexedFields: {} },
          taskQueue: s.taskQueue,
          historySizeBytes: s.historySizeBytes,
          firstRunId: s.firstRunId,
          workflowExecutionExpirationTime: s.executionExpiresAt ? tsFromMs(s.executionExpiresAt) : null,
          autoResetPoints: resetPointsProto(s.resetPoints),
        },
        workflowExtendedInfo: {
          executionExpirationTime: s.executionExpiresAt ? tsFromMs(s.executionExpiresAt) : null,
          runExpirationTime: s.runTimeoutMs ? tsFromMs(s.executionTime + s.runTimeoutMs) : null,
          cancelRequested: s.cancelRequested,
          lastResetTime: s.lastResetTime ? tsFromMs(s.lastResetTime) : null,
          originalStartTime: tsFromMs(s.originalStartTime ?? s.startTime),
          resetRunId: s.resetRunId ?? '',
        },
        pendingActivities: Object.values(s.activities).map((a) => pendingActivityInfo(a, now)),
        pendingChildren: Object.values(s.children).map((c) => ({
          workflowId: c.workflowId,
          runId: c.runId ?? '',
          workflowTypeName: c.workflowType,
          initiatedId: c.initiatedEventId,
          parentClosePolicy: c.parentClosePolicy,
        })),
        pendingWorkflowTask: w
          ? {
              state:
                w.state === 'started'
                  ? enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                  : enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
              scheduledTime: tsFromMs(w.scheduledTime),
              originalScheduledTime: tsFromMs(w.scheduledTime),
              startedTime: w.startedTime ? tsFromMs(w.startedTime) : null,
              attempt: w.attempt,
            }
          : null,
      };
    },
  };
}
