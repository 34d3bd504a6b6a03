/**
 * Child workflows and external signals/cancels. The child run is created in the parent's transaction; its
 * close is reported to the parent in the transaction that closes it (see `propagateClosures`).
 */
import { enums, msFromDur } from '../proto';
import type { RunContext, Work } from './context';
import { createRun, requestCancelRun, signalRun, terminateRun } from './lifecycle';
import { scheduleWorkflowTask } from './workflow-task';
import * as store from '../storage/store';
import type { IdGenerator } from '../clock';
import type { temporal } from '@temporalio/proto';

type StartChild = temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes;
type SignalExternal = temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes;
type CancelExternal = temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes;
import type { ChildState } from './state';
import type { TrackedEntity } from './state-machine';
import { childMachine, externalCancelMachine, externalSignalMachine, type ExternalStatus } from './entity-machines';

 
/** What child and external-workflow commands ask of the engine (engine.ts `Engine` is one). */
export interface ChildCommandHost {
  namespace(name: string | null | undefined): Promise<{ id: string }>;
  readonly ids: IdGenerator;
}

const ET = enums.EventType;
const ST = enums.WorkflowExecutionStatus;
const RUNNING = ST.WORKFLOW_EXECUTION_STATUS_RUNNING;

export async function startChildCommand(engine: ChildCommandHost, ctx: RunContext, a: StartChild, completedId: number): Promise<void> {
  const s = ctx.state;
  const workflowId = a.workflowId ?? '';
  const nsName = a.namespace || s.namespace;
  const ns = await engine.namespace(nsName);
  const initiatedId = ctx.addEvent(ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, 'startChildWorkflowExecutionInitiatedEventAttributes', {
    namespace: nsName,
    namespaceId: ns.id,
    workflowId,
    workflowType: a.workflowType,
    taskQueue: { name: a.taskQueue?.name || s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: a.input ?? null,
    workflowExecutionTimeout: a.workflowExecutionTimeout ?? null,
    workflowRunTimeout: a.workflowRunTimeout ?? null,
    workflowTaskTimeout: a.workflowTaskTimeout ?? null,
    parentClosePolicy: a.parentClosePolicy ?? 0,
    control: a.control ?? '',
    workflowTaskCompletedEventId: completedId,
    workflowIdReusePolicy: a.workflowIdReusePolicy ?? 0,
    retryPolicy: a.retryPolicy ?? null,
    cronSchedule: a.cronSchedule ?? '',
    header: a.header ?? null,
    memo: a.memo ?? null,
    searchAttributes: a.searchAttributes ?? null,
    priority: a.priority ?? null,
  });
  ctx.work.needNewWft.add(s.runId);
  const child = {
    initiatedEventId: initiatedId,
    namespace: nsName,
    namespaceId: ns.id,
    workflowId,
    workflowType: a.workflowType?.name ?? '',
    parentClosePolicy: a.parentClosePolicy ?? 0,
  } as ChildState;
  childMachine.apply(child, 'initiate', initiatedId);
  const work = ctx.work;
  const currentRunId = await store.getCurrentRun(ctx.tx, ns.id, workflowId, true);
  let exists = false;
  if (currentRunId) {
    const cur = await work.run(currentRunId);
    exists = cur.state.status === RUNNING || a.workflowIdReusePolicy === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
  }
  if (exists) {
    childMachine.apply(child, 'failStart', initiatedId);
    ctx.addEvent(ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, 'startChildWorkflowExecutionFailedEventAttributes', {
      namespace: nsName,
      namespaceId: ns.id,
      workflowId,
      workflowType: a.workflowType,
      cause: enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
      control: a.control ?? '',
      initiatedEventId: initiatedId,
      workflowTaskCompletedEventId: completedId,
    });
    return;
  }
  const childRunId = engine.ids.runId();
  await createRun(work, {
    namespaceId: ns.id,
    namespace: nsName,
    workflowId,
    runId: childRunId,
    workflowType: a.workflowType?.name ?? '',
    taskQueue: a.taskQueue?.name || s.taskQueue,
    input: a.input,
    header: a.header,
    executionTimeoutMs: msFromDur(a.workflowExecutionTimeout),
    runTimeoutMs: msFromDur(a.workflowRunTimeout),
    taskTimeoutMs: msFromDur(a.workflowTaskTimeout),
    requestId: engine.ids.requestId(),
    memo: a.memo,
    searchAttributes: a.searchAttributes,
    retryPolicy: a.retryPolicy,
    parent: { namespace: s.namespace, namespaceId: s.namespaceId, workflowId: s.workflowId, runId: s.runId, initiatedEventId: initiatedId },
    priority: a.priority,
  });
  await store.setCurrentRun(ctx.tx, ns.id, workflowId, childRunId);
  const startedId = ctx.addEvent(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, 'childWorkflowExecutionStartedEventAttributes', {
    namespace: nsName,
    namespaceId: ns.id,
    initiatedEventId: initiatedId,
    workflowExecution: { workflowId, runId: childRunId },
    workflowType: a.workflowType,
    header: a.header ?? null,
  });
  childMachine.apply(child, 'start', initiatedId);
  child.runId = childRunId;
  child.startedEventId = startedId;
  s.children[initiatedId] = child;
}

async function findTarget(engine: ChildCommandHost, ctx: RunContext, nsName: string, exec: temporal.api.common.v1.IWorkflowExecution | null | undefined): Promise<RunContext | null> {
  const ns = await engine.namespace(nsName).catch(() => null);
  if (!ns) return null;
  const runId = exec?.runId || (await store.getCurrentRun(ctx.tx, ns.id, exec?.workflowId ?? ''));
  if (!runId) return null;
  const target = await ctx.work.tryRun(runId);
  if (!target || target.state.workflowId !== exec?.workflowId || target.state.status !== RUNNING) return null;
  return target;
}

export async function signalExternalCommand(engine: ChildCommandHost, ctx: RunContext, a: SignalExternal, completedId: number): Promise<void> {
  const nsName = a.namespace || ctx.state.namespace;
  const initiatedId = ctx.addEvent(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signalExternalWorkflowExecutionInitiatedEventAttributes', {
    workflowTaskCompletedEventId: completedId,
    namespace: nsName,
    workflowExecution: a.execution,
    signalName: a.signalName,
    input: a.input ?? null,
    control: a.control ?? '',
    childWorkflowOnly: a.childWorkflowOnly ?? false,
    header: a.header ?? null,
  });
  ctx.work.needNewWft.add(ctx.state.runId);
  // Resolved within this unit of work: initiated, then delivered or failed.
  const signal: TrackedEntity<ExternalStatus> = {};
  externalSignalMachine.apply(signal, 'initiate', initiatedId);
  const target = await findTarget(engine, ctx, nsName, a.execution);
  if (!target) {
    externalSignalMachine.apply(signal, 'fail', initiatedId);
    ctx.addEvent(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, 'signalExternalWorkflowExecutionFailedEventAttributes', {
      cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: completedId,
      namespace: nsName,
      workflowExecution: a.execution,
      initiatedEventId: initiatedId,
      control: a.control ?? '',
    });
    return;
  }
  externalSignalMachine.apply(signal, 'deliver', initiatedId);
  signalRun(target, a.signalName ?? '', a.input, `${ctx.state.workflowId}`, a.header);
  ctx.addEvent(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, 'externalWorkflowExecutionSignaledEventAttributes', {
    initiatedEventId: initiatedId,
    namespace: nsName,
    workflowExecution: { workflowId: target.state.workflowId, runId: target.state.runId },
    control: a.control ?? '',
  });
}

export async function cancelExternalCommand(engine: ChildCommandHost, ctx: RunContext, a: CancelExternal, completedId: number): Promise<void> {
  const nsName = a.namespace || ctx.state.namespace;
  const exec = { workflowId: a.workflowId, runId: a.runId };
  const initiatedId = ctx.addEvent(ET.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'requestCancelExternalWorkflowExecutionInitiatedEventAttributes', {
    workflowTaskCompletedEventId: completedId,
    namespace: nsName,
    workflowExecution: exec,
    control: a.control ?? '',
    childWorkflowOnly: a.childWorkflowOnly ?? false,
    reason: a.reason ?? '',
  });
  ctx.work.needNewWft.add(ctx.state.runId);
  const cancel: TrackedEntity<ExternalStatus> = {};
  externalCancelMachine.apply(cancel, 'initiate', initiatedId);
  const target = await findTarget(engine, ctx, nsName, exec);
  if (!target) {
    externalCancelMachine.apply(cancel, 'fail', initiatedId);
    ctx.addEvent(ET.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, 'requestCancelExternalWorkflowExecutionFailedEventAttributes', {
      cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: completedId,
      namespace: nsName,
      workflowExecution: exec,
      initiatedEventId: initiatedId,
      control: a.control ?? '',
    });
    return;
  }
  externalCancelMachine.apply(cancel, 'deliver', initiatedId);
  requestCancelRun(target, a.reason ?? '', ctx.state.workflowId, { initiatedEventId: initiatedId, execution: { workflowId: ctx.state.workflowId, runId: ctx.state.runId } });
  ctx.addEvent(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, 'externalWorkflowExecutionCancelRequestedEventAttributes', {
    initiatedEventId: initiatedId,
    namespace: nsName,
    workflowExecution: { workflowId: target.state.workflowId, runId: target.state.runId },
  });
}

/** Reports closed children to their parents and applies parent-close policies, inside the same transaction. */
export async function propagateClosures(work: Work): Promise<void> {
  for (let i = 0; i < work.closedRuns.length; i++) {
    const child = work.closedRuns[i];
    const cs = child.state;
    // Parent close policy for this run's own children.
    for (const c of Object.values(cs.children)) {
      if (!c.runId) continue;
      const policy = c.parentClosePolicy || enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
      if (policy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) continue;
      const curRun = await store.getCurrentRun(work.tx, c.namespaceId, c.workflowId);
      if (!curRun) continue;
      const cc = await work.tryRun(curRun);
      if (!cc || cc.state.status !== RUNNING) continue;
      if (policy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) requestCancelRun(cc, 'parent closed', 'devserver');
      else terminateRun(cc, 'by parent close policy', null, 'devserver');
    }
    cs.children = {};
    if (!cs.parent || cs.status === ST.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) continue;
    const parent = await work.tryRun(cs.parent.runId);
    if (!parent || parent.state.status !== RUNNING) continue;
    const entry = parent.state.children[cs.parent.initiatedEventId];
    if (!entry) continue; // the parent was reset past the child's start, or closed
    entry.state ??= 'started'; // written before children had a state
    childMachine.apply(entry, 'close', entry.initiatedEventId);
    delete parent.state.children[cs.parent.initiatedEventId];
    const closeEv = await child.readEvent(cs.completionEventId);
    const base = {
      namespace: entry.namespace,
      namespaceId: entry.namespaceId,
      workflowExecution: { workflowId: cs.workflowId, runId: cs.runId },
      workflowType: { name: cs.workflowType },
      initiatedEventId: entry.initiatedEventId,
      startedEventId: entry.startedEventId ?? 0,
    };
    let type: number;
    let key: string;
    let attrs: Record<string, unknown>;
    switch (cs.status) {
      case ST.WORKFLOW_EXECUTION_STATUS_COMPLETED:
        type = ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED;
        key = 'childWorkflowExecutionCompletedEventAttributes';
        attrs = { ...base, result: closeEv.workflowExecutionCompletedEventAttributes?.result ?? null };
        break;
      case ST.WORKFLOW_EXECUTION_STATUS_FAILED:
        type = ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED;
        key = 'childWorkflowExecutionFailedEventAttributes';
        attrs = { ...base, failure: closeEv.workflowExecutionFailedEventAttributes?.failure ?? null, retryState: closeEv.workflowExecutionFailedEventAttributes?.retryState ?? 0 };
        break;
      case ST.WORKFLOW_EXECUTION_STATUS_CANCELED:
        type = ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED;
        key = 'childWorkflowExecutionCanceledEventAttributes';
        attrs = { ...base, details: closeEv.workflowExecutionCanceledEventAttributes?.details ?? null };
        break;
      case ST.WORKFLOW_EXECUTION_STATUS_TERMINATED:
        type = ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED;
        key = 'childWorkflowExecutionTerminatedEventAttributes';
        attrs = { ...base };
        break;
      default:
        type = ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT;
        key = 'childWorkflowExecutionTimedOutEventAttributes';
        attrs = { ...base, retryState: enums.RetryState.RETRY_STATE_TIMEOUT };
    }
    parent.addEvent(type, key, attrs, { bufferable: true });
    scheduleWorkflowTask(parent);
  }
}
