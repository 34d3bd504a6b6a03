/**
 * Repairs. Every action needs an operator and a reason and is recorded in the audit log (ops/audit.ts), whether it
 * succeeded or not. Bulk versions select cases with a list-filter query (optionally only stuck ones), are throttled,
 * and have a dry run that lists what would be touched and touches nothing (no RPC that writes, no audit row).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from './proto';
import Long from 'long';
import type { ProcedureEvent } from '../procedures/types';
import { sendEvent } from '../workflows/case-client';
import { recordOperatorAction, requireActor, type Operator } from './audit';
import {
  caseRef,
  isUnimplemented,
  listCases,
  nowOf,
  nsOf,
  OpsError,
  OpsUnsupportedError,
  tsToIso,
  type CaseRef,
  type OpsDeps,
} from './common';
import { findStuck, trySnapshot, type StuckOptions, type StuckReason } from './stuck';
import { documentsIssuedSince, ResetWouldOrphanDocumentsError } from './reset-orphans';

export interface ActionContext {
  operator: Operator;
  reason: string;
}

export interface ActionResult {
  caseId: string;
  action: string;
  ok: boolean;
  /** True for a dry run: nothing was written (no RPC that writes, no audit row); `detail` says what would happen. */
  dryRun?: boolean;
  detail: Record<string, unknown>;
  error?: string;
}

/** What a dry run reports: the action it would take, touching nothing. */
function wouldDo(ref: CaseRef, action: string, detail: Record<string, unknown>): ActionResult {
  return { caseId: ref.caseId, action, ok: true, dryRun: true, detail: { ...detail, runId: ref.runId } };
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const ENUMS = proto.api.enums.v1;

async function audited(
  deps: OpsDeps,
  ref: CaseRef,
  action: string,
  ctx: ActionContext,
  detail: Record<string, unknown>,
  run: () => Promise<Record<string, unknown> | void>,
): Promise<ActionResult> {
  requireActor(ctx.operator, ctx.reason);
  const record = (details: Record<string, unknown>, outcome: 'ok' | 'error') =>
    recordOperatorAction(deps.db, {
      operator: ctx.operator,
      action,
      reason: ctx.reason,
      caseId: ref.caseId,
      procedureId: ref.procedureId,
      procedureVersion: ref.procedureVersion,
      details,
      outcome,
      at: nowOf(deps).toISOString(),
    });
  try {
    const extra = (await run()) ?? {};
    const all = { ...detail, ...extra, runId: ref.runId };
    await record(all, 'ok');
    return { caseId: ref.caseId, action, ok: true, detail: all };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await record({ ...detail, runId: ref.runId, error: message }, 'error');
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reset points: statechart state → workflow task.

export interface ResetPoint {
  /** The WorkflowTaskCompleted event to reset to: the task in which the chart entered the state (it is re-run). */
  workflowTaskCompletedEventId: number;
  workflowTaskStartedAt: string;
  state: string;
  enteredAt: string | null;
  /** True when a workflow task started exactly when the state was entered (else: the last one before). */
  exact: boolean;
}

/** Pairs each WorkflowTaskCompleted with its WorkflowTaskStarted time (= the workflow's clock in that task). */
function completedTasks(events: HistoryEvent[]): { completedId: number; startedId: number; startedAt: string }[] {
  const started = new Map<number, string>();
  const out: { completedId: number; startedId: number; startedAt: string }[] = [];
  for (const e of events) {
    const id = Number(e.eventId ?? 0);
    if (e.workflowTaskStartedEventAttributes) started.set(id, tsToIso(e.eventTime) ?? '');
    const c = e.workflowTaskCompletedEventAttributes;
    if (c) {
      const sid = Number(c.startedEventId ?? 0);
      out.push({ completedId: id, startedId: sid, startedAt: started.get(sid) ?? '' });
    }
  }
  return out;
}

export const START_STATE = 'start';

/**
 * Where to reset so the chart is (again) in `state`: the chart's timeline (snapshot) says when the state was last
 * entered, in workflow time; workflow time is the WorkflowTaskStarted event time of the task that made the
 * transition, so the reset point is the WorkflowTaskCompleted of that task. `start` = the first workflow task.
 * A state given as a prefix (e.g. "birth") matches its leaves ("birth.awaitingOfficer").
 */
export async function findResetPoint(deps: OpsDeps, ref: CaseRef, state: string, occurrence: 'last' | 'first' = 'last'): Promise<ResetPoint> {
  const history = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory();
  const tasks = completedTasks(history.events ?? []);
  if (tasks.length === 0) throw new OpsError('NO_RESET_POINT', `case ${ref.caseId} has no completed workflow task yet`);
  if (state === START_STATE) {
    return { workflowTaskCompletedEventId: tasks[0].completedId, workflowTaskStartedAt: tasks[0].startedAt, state, enteredAt: null, exact: true };
  }
  const snap = await trySnapshot(deps, ref);
  if (!snap) {
    throw new OpsError(
      'SNAPSHOT_UNAVAILABLE',
      `case ${ref.caseId}: the engine does not answer the snapshot query, so states cannot be mapped to workflow tasks; reset to "${START_STATE}" or restore the engine worker first`,
    );
  }
  const matches = snap.timeline.filter((t) => t.state === state || t.state.startsWith(`${state}.`));
  if (matches.length === 0) {
    const known = [...new Set(snap.timeline.map((t) => t.state))].join(', ');
    throw new OpsError('STATE_NOT_VISITED', `case ${ref.caseId} was never in state "${state}" (visited: ${known})`);
  }
  const entry = occurrence === 'first' ? matches[0] : matches[matches.length - 1];
  const enteredMs = Date.parse(entry.enteredAt);
  let task = tasks.find((t) => Date.parse(t.startedAt) === enteredMs);
  const exact = task !== undefined;
  if (!task) {
    // Different clock precision: the last task that started at or before the entry.
    const before = tasks.filter((t) => Date.parse(t.startedAt) <= enteredMs);
    task = before[before.length - 1] ?? tasks[0];
  }
  return { workflowTaskCompletedEventId: task.completedId, workflowTaskStartedAt: task.startedAt, state: entry.state, enteredAt: entry.enteredAt, exact };
}

async function resetWorkflow(deps: OpsDeps, ref: CaseRef, eventId: number, reason: string, reapplyEvents: boolean): Promise<string> {
  try {
    const res = await deps.client.workflowService.resetWorkflowExecution({
      namespace: nsOf(deps),
      workflowExecution: { workflowId: ref.workflowId, runId: ref.runId },
      reason,
      workflowTaskFinishEventId: Long.fromNumber(eventId),
      requestId: randomUUID(),
      resetReapplyType: reapplyEvents ? ENUMS.ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE : ENUMS.ResetReapplyType.RESET_REAPPLY_TYPE_NONE,
      resetReapplyExcludeTypes: reapplyEvents
        ? []
        : [ENUMS.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL, ENUMS.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE],
    });
    return res.runId ?? '';
  } catch (err) {
    if (isUnimplemented(err)) throw new OpsUnsupportedError('ResetWorkflowExecution', 'reset');
    throw err;
  }
}

/** When the reset point's task started (0 for the start: everything the case did is undone). */
const resetPointTime = (point: ResetPoint) => (point.state === START_STATE ? 0 : Date.parse(point.workflowTaskStartedAt));

/** Resets a case to a named statechart state; the new run replays on the current worker code from there. */
export async function resetToState(
  deps: OpsDeps,
  caseId: string,
  state: string,
  ctx: ActionContext,
  opts: { occurrence?: 'last' | 'first'; reapplyEvents?: boolean; dryRun?: boolean } = {},
): Promise<ActionResult> {
  requireActor(ctx.operator, ctx.reason);
  const ref = await caseRef(deps, caseId);
  if (opts.dryRun) {
    const point = await findResetPoint(deps, ref, state, opts.occurrence);
    const orphans = await documentsIssuedSince(deps, ref, resetPointTime(point));
    const detail = { toState: state, resetEventId: point.workflowTaskCompletedEventId, state: point.state, enteredAt: point.enteredAt };
    if (orphans.length === 0) return wouldDo(ref, 'reset', detail);
    const refusal = new ResetWouldOrphanDocumentsError(ref.caseId, state, orphans);
    return { ...wouldDo(ref, 'reset', { ...detail, refused: refusal.code, documents: orphans }), ok: false, error: refusal.message };
  }
  return audited(deps, ref, 'reset', ctx, { toState: state }, async () => {
    const point = await findResetPoint(deps, ref, state, opts.occurrence);
    const orphans = await documentsIssuedSince(deps, ref, resetPointTime(point));
    if (orphans.length > 0) throw new ResetWouldOrphanDocumentsError(ref.caseId, state, orphans);
    const newRunId = await resetWorkflow(deps, ref, point.workflowTaskCompletedEventId, `${ctx.operator.id}: ${ctx.reason}`, opts.reapplyEvents ?? false);
    return { resetEventId: point.workflowTaskCompletedEventId, state: point.state, newRunId };
  });
}

// ---------------------------------------------------------------------------------------------------------------

/** The WorkflowTaskCompleted after which the activity `activityId` was scheduled (for the reset fallback). */
async function schedulingTask(deps: OpsDeps, ref: CaseRef, activityId: string): Promise<number | null> {
  const history = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory();
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a && a.activityId === activityId) return Number(a.workflowTaskCompletedEventId ?? 0) || null;
  }
  return null;
}

/**
 * Retries failing (or waiting) steps now: ResetActivity on each pending activity (attempt back to 1, scheduled at
 * once). Where the server lacks ResetActivity, and `allowWorkflowReset` is set, resets the workflow to the task that
 * scheduled the activity (events after it are reapplied; the activities re-run, registry writes are idempotent).
 */
export async function retryStep(
  deps: OpsDeps,
  caseId: string,
  ctx: ActionContext,
  opts: { activityId?: string; allowWorkflowReset?: boolean; dryRun?: boolean } = {},
): Promise<ActionResult> {
  requireActor(ctx.operator, ctx.reason);
  const ref = await caseRef(deps, caseId);
  const desc = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).describe();
  const pending = (desc.raw.pendingActivities ?? []).filter((a) => (opts.activityId ? a.activityId === opts.activityId : true));
  const activities = pending.map((a) => `${a.activityType?.name}#${a.activityId}@${a.attempt}`);
  const nothing = () => new OpsError('NOTHING_TO_RETRY', `case ${caseId} has no pending step${opts.activityId ? ` ${opts.activityId}` : ''}`);
  if (opts.dryRun) {
    if (pending.length === 0) throw nothing();
    return wouldDo(ref, 'retry', { activities });
  }
  return audited(deps, ref, 'retry', ctx, { activities }, async () => {
    if (pending.length === 0) throw nothing();
    const retried: string[] = [];
    for (const a of pending) {
      try {
        await deps.client.workflowService.resetActivity({
          namespace: nsOf(deps),
          execution: { workflowId: ref.workflowId, runId: ref.runId },
          identity: `operator:${ctx.operator.id}`,
          id: a.activityId,
          resetHeartbeat: true,
        });
        retried.push(a.activityId ?? '');
      } catch (err) {
        // Unimplemented, or the server's activity API is switched off (Temporal: frontend.activityAPIsEnabled).
        const disabled = isUnimplemented(err) || /activity api|not enabled|disabled/i.test(err instanceof Error ? err.message : '');
        if (!disabled) throw err;
        if (!opts.allowWorkflowReset) throw new OpsUnsupportedError('ResetActivity', 'retry now');
        const eventId = await schedulingTask(deps, ref, a.activityId ?? '');
        if (eventId === null) throw new OpsError('NO_RESET_POINT', `no scheduling task for activity ${a.activityId}`);
        try {
          const newRunId = await resetWorkflow(deps, ref, eventId, `${ctx.operator.id}: ${ctx.reason}`, true);
          return { method: 'ResetWorkflowExecution', resetEventId: eventId, newRunId };
        } catch (resetErr) {
          if (resetErr instanceof OpsUnsupportedError) throw new OpsUnsupportedError('ResetActivity nor ResetWorkflowExecution', 'retry now');
          throw resetErr;
        }
      }
    }
    return { method: 'ResetActivity', retried };
  });
}

/** A dry run of cancel/terminate still checks that the case is running (as the real action would). */
function runningOrThrow(ref: CaseRef, action: string): void {
  if (ref.status !== 'RUNNING') throw new OpsError('CASE_NOT_RUNNING', `case ${ref.caseId} is ${ref.status.toLowerCase()}: nothing to ${action}`);
}

/** Ends a running case (cancel or terminate), audited; with `dryRun`, says what it would do. */
async function endCase(
  deps: OpsDeps,
  caseId: string,
  ctx: ActionContext,
  opts: { dryRun?: boolean },
  action: 'cancel' | 'terminate',
  end: (ref: CaseRef) => Promise<unknown>,
): Promise<ActionResult> {
  requireActor(ctx.operator, ctx.reason);
  const ref = await caseRef(deps, caseId);
  if (opts.dryRun) {
    runningOrThrow(ref, action);
    return wouldDo(ref, action, {});
  }
  return audited(deps, ref, action, ctx, {}, async () => {
    await end(ref);
  });
}

export async function cancelCase(deps: OpsDeps, caseId: string, ctx: ActionContext, opts: { dryRun?: boolean } = {}): Promise<ActionResult> {
  return endCase(deps, caseId, ctx, opts, 'cancel', (ref) => deps.client.workflow.getHandle(ref.workflowId, ref.runId).cancel());
}

export async function terminateCase(deps: OpsDeps, caseId: string, ctx: ActionContext, opts: { dryRun?: boolean } = {}): Promise<ActionResult> {
  return endCase(deps, caseId, ctx, opts, 'terminate', (ref) => deps.client.workflow.getHandle(ref.workflowId, ref.runId).terminate(`${ctx.operator.id}: ${ctx.reason}`));
}

/** Sends an officer/citizen event on behalf of its actor (validated by the case like any other). */
export async function sendEventAs(
  deps: OpsDeps,
  caseId: string,
  event: ProcedureEvent,
  ctx: ActionContext,
  opts: { dryRun?: boolean } = {},
): Promise<ActionResult> {
  requireActor(ctx.operator, ctx.reason);
  const ref = await caseRef(deps, caseId);
  const detail = { eventType: event.type, onBehalfOf: `${event.actor.kind}:${event.actor.id}` };
  if (opts.dryRun) {
    // The snapshot query (read-only) says whether the current state accepts the event now.
    const snap = await trySnapshot(deps, ref);
    const accepted = snap?.acceptedEvents.some((e) => e.type === event.type && e.actor === event.actor.kind) ?? null;
    return wouldDo(ref, 'sendEvent', { ...detail, acceptedNow: accepted, activeStates: snap?.activeStates ?? null });
  }
  return audited(deps, ref, 'sendEvent', ctx, detail, async () => {
    const snap = await sendEvent(deps.client, caseId, event);
    return { activeStates: snap.activeStates };
  });
}

// ---------------------------------------------------------------------------------------------------------------

export type BulkAction =
  | { kind: 'retry'; allowWorkflowReset?: boolean }
  | { kind: 'reset'; state: string; reapplyEvents?: boolean }
  | { kind: 'cancel' }
  | { kind: 'terminate' }
  | { kind: 'sendEvent'; event: ProcedureEvent };

export interface BulkOptions {
  action: BulkAction;
  /** Which cases: list filter; with `stuckOnly`, only stuck ones (and `kinds` narrows the reasons). */
  filter: StuckOptions;
  stuckOnly?: boolean;
  dryRun?: boolean;
  /** Actions per second (default 2). */
  ratePerSecond?: number;
  /** Refuse to touch more than this many cases (default 100). */
  maxCases?: number;
}

export interface BulkTarget {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  reasons?: StuckReason[];
}

export interface BulkReport {
  dryRun: boolean;
  action: string;
  targets: BulkTarget[];
  results: ActionResult[];
  /** Dry run: what each target's action would do (a reset names the documents it would orphan). Nothing written. */
  plans: ActionResult[];
  failures: { caseId: string; error: string }[];
}

export async function bulkAction(deps: OpsDeps, ctx: ActionContext, opts: BulkOptions): Promise<BulkReport> {
  requireActor(ctx.operator, ctx.reason);
  const targets: BulkTarget[] = opts.stuckOnly
    ? (await findStuck(deps, opts.filter)).map((s) => ({ caseId: s.caseId, procedureId: s.procedureId, procedureVersion: s.procedureVersion, reasons: s.reasons }))
    : (await listCases(deps, opts.filter)).map((c) => ({ caseId: c.caseId, procedureId: c.procedureId, procedureVersion: c.procedureVersion }));
  const max = opts.maxCases ?? 100;
  if (targets.length > max) throw new OpsError('TOO_MANY_CASES', `${targets.length} cases match; the limit is ${max} (raise --max)`);
  const report: BulkReport = { dryRun: opts.dryRun ?? false, action: opts.action.kind, targets, results: [], plans: [], failures: [] };
  const gapMs = 1000 / Math.max(0.01, opts.ratePerSecond ?? 2);
  const a = opts.action;
  const dryRun = report.dryRun;
  for (const [i, t] of targets.entries()) {
    if (i > 0 && !dryRun) await sleep(gapMs);
    try {
      const bulkCtx = { ...ctx, reason: `${ctx.reason} (bulk ${a.kind} ${i + 1}/${targets.length})` };
      const r =
        a.kind === 'retry'
          ? await retryStep(deps, t.caseId, bulkCtx, { allowWorkflowReset: a.allowWorkflowReset, dryRun })
          : a.kind === 'reset'
            ? await resetToState(deps, t.caseId, a.state, bulkCtx, { reapplyEvents: a.reapplyEvents, dryRun })
            : a.kind === 'cancel'
              ? await cancelCase(deps, t.caseId, bulkCtx, { dryRun })
              : a.kind === 'terminate'
                ? await terminateCase(deps, t.caseId, bulkCtx, { dryRun })
                : await sendEventAs(deps, t.caseId, a.event, bulkCtx, { dryRun });
      (dryRun ? report.plans : report.results).push(r);
    } catch (err) {
      report.failures.push({ caseId: t.caseId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return report;
}
