/**
 * A schedule's persisted state and the pure steps of its processing (after Temporal's scheduler workflow):
 * times due in a range become buffered starts (catch-up window, pause, remaining actions), the buffer is
 * resolved against the overlap policy, and describe/list views are built from the state.
 */
import { decodeB64, durFromMs, enums, Memo, SearchAttributes, temporal, tsFromMs } from '../proto';
import { CompiledSpec, specProto, type CanonicalSpec } from './spec';
import type { TransitionRecord } from './transitions';

const OVERLAP = enums.ScheduleOverlapPolicy;
export const ScheduleAction = temporal.api.schedule.v1.ScheduleAction;

/** Temporal's defaults: catch-up window one year (at least 10 s), 10 recent actions, 10 future times, buffer 1000. */
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 24 * 3600 * 1000;
export const MIN_CATCHUP_WINDOW_MS = 10_000;
export const RECENT_ACTIONS = 10;
export const FUTURE_ACTION_TIMES = 10;
export const MAX_BUFFER = 1000;

export interface BufferedStart {
  nominal: number;
  actual: number;
  /** ScheduleOverlapPolicy; UNSPECIFIED follows the schedule's current policy. */
  overlap: number;
  manual: boolean;
}

export interface RecentAction {
  scheduleTime: number;
  actualTime: number;
  workflowId: string;
  runId: string;
  status: number;
}

export interface WorkflowRef {
  workflowId: string;
  runId: string;
}

export interface ScheduleRecord extends TransitionRecord {
  namespaceId: string;
  scheduleId: string;
  spec: CanonicalSpec;
  /** b64 temporal.api.schedule.v1.ScheduleAction */
  action: string;
  overlapPolicy: number;
  catchupWindowMs: number;
  pauseOnFailure: boolean;
  notes: string;
  limitedActions: boolean;
  remainingActions: number;
  memo?: string;
  searchAttributes?: string;
  createTime: number;
  updateTime: number | null;
  lastProcessedTime: number;
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  runningWorkflows: WorkflowRef[];
  recentActions: RecentAction[];
  buffered: BufferedStart[];
  /** b64 Payloads / Failure of the last closed action, handed to the next start. */
  lastCompletionResult?: string;
  continuedFailure?: string;
  conflictToken: number;
  /** The create request's id: the same request again succeeds instead of meeting its own schedule. */
  createRequestId?: string;
}

export const isPaused = (r: ScheduleRecord) => r.status === 'paused';

export function compile(r: ScheduleRecord): CompiledSpec {
  return new CompiledSpec(r.spec, `${r.namespaceId}/${r.scheduleId}`);
}

export function resolveOverlap(r: ScheduleRecord, p: number): number {
  if (p) return p;
  return r.overlapPolicy || OVERLAP.SCHEDULE_OVERLAP_POLICY_SKIP;
}

export function catchupWindow(ms: number | null): number {
  if (!ms) return DEFAULT_CATCHUP_WINDOW_MS;
  return Math.max(ms, MIN_CATCHUP_WINDOW_MS);
}

/** Whether a (scheduled or manual) action may be taken now; `decrement` uses up one remaining action. */
export function canTakeAction(r: ScheduleRecord, manual: boolean, decrement: boolean): boolean {
  if (manual) return true;
  if (isPaused(r)) return false;
  if (!r.limitedActions) return true;
  if (r.remainingActions > 0) {
    if (decrement) r.remainingActions--;
    return true;
  }
  return false;
}

export function addStart(r: ScheduleRecord, nominal: number, actual: number, overlap: number, manual: boolean): void {
  if (r.buffered.length >= MAX_BUFFER) {
    r.bufferDropped++;
    return;
  }
  r.buffered.push({ nominal, actual, overlap, manual });
}

/**
 * Buffers the actions whose time falls in (start, end]. Scheduled ones outside the catch-up window are
 * counted as missed; a paused schedule (or one out of actions) skips the whole range. Returns the next time.
 */
export function processTimeRange(r: ScheduleRecord, spec: CompiledSpec, start: number, end: number, overlap: number, manual: boolean): number | null {
  if (!canTakeAction(r, manual, false)) return spec.next(end)?.next ?? null;
  const window = catchupWindow(r.catchupWindowMs);
  let next = spec.next(start);
  for (; next && next.next <= end; next = spec.next(next.next)) {
    if (!manual && r.updateTime != null && r.updateTime > next.next) continue;
    if (!manual && end - next.next > window) {
      r.missedCatchupWindow++;
      continue;
    }
    if (r.buffered.length >= MAX_BUFFER) {
      // A full buffer ends the range (a long backfill or downtime must not spin through every slot).
      r.bufferDropped++;
      return spec.next(end)?.next ?? null;
    }
    addStart(r, next.nominal, next.next, overlap, manual);
  }
  return next?.next ?? null;
}

export interface BufferPlan {
  /** Starts to make now; `tracked` ones (not allow-all) join runningWorkflows. */
  starts: { start: BufferedStart; tracked: boolean }[];
  needCancel: boolean;
  needTerminate: boolean;
}

/** Resolves the buffer against the overlap policies (Temporal's processBuffer); updates the buffer and counters. */
export function planBuffer(r: ScheduleRecord): BufferPlan {
  const isRunning = r.runningWorkflows.length > 0;
  const overlapping: BufferedStart[] = [];
  let nonOverlapping: BufferedStart | null = null;
  const newBuffer: BufferedStart[] = [];
  let needCancel = false;
  let needTerminate = false;
  for (const start of r.buffered) {
    const policy = resolveOverlap(r, start.overlap);
    if (policy === OVERLAP.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
      overlapping.push(start);
      continue;
    }
    if (!isRunning && !nonOverlapping) {
      nonOverlapping = start;
      continue;
    }
    switch (policy) {
      case OVERLAP.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE:
        if (newBuffer.length === 0) newBuffer.push(start);
        else r.overlapSkipped++;
        break;
      case OVERLAP.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL:
        newBuffer.push(start);
        break;
      case OVERLAP.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER:
      case OVERLAP.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER:
        if (isRunning) {
          if (policy === OVERLAP.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER) needCancel = true;
          else needTerminate = true;
          newBuffer.push(start);
        } else {
          nonOverlapping = start;
        }
        break;
      default: // SKIP
        r.overlapSkipped++;
    }
  }
  r.buffered = newBuffer;
  const starts = (needCancel || needTerminate ? [] : overlapping).map((start) => ({ start, tracked: false }));
  if (nonOverlapping) starts.push({ start: nonOverlapping, tracked: true });
  return { starts, needCancel, needTerminate };
}

export function recordAction(r: ScheduleRecord, start: BufferedStart, ref: WorkflowRef, tracked: boolean): void {
  r.actionCount++;
  r.recentActions.push({
    scheduleTime: start.nominal,
    actualTime: start.actual,
    workflowId: ref.workflowId,
    runId: ref.runId,
    status: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
  });
  if (r.recentActions.length > RECENT_ACTIONS) r.recentActions.splice(0, r.recentActions.length - RECENT_ACTIONS);
  if (tracked) r.runningWorkflows.push(ref);
}

/** The next action times after the last processed time (none before the last update; at most the remaining actions). */
export function futureActionTimes(r: ScheduleRecord, spec: CompiledSpec, n: number): number[] {
  const limit = r.limitedActions ? Math.min(n, r.remainingActions) : n;
  const out: number[] = [];
  let t = r.lastProcessedTime;
  for (let guard = 0; out.length < limit && guard < 10_000; guard++) {
    const nt = spec.next(t);
    if (!nt) break;
    t = nt.next;
    if (r.updateTime != null && r.updateTime > nt.next) continue;
    out.push(nt.next);
  }
  return out;
}

/** When the runner must next look at this schedule (null: only a request or a closing workflow can wake it). */
export function nextWakeAt(r: ScheduleRecord, spec: CompiledSpec): number | null {
  if (!canTakeAction(r, false, false)) return null;
  return spec.next(r.lastProcessedTime)?.next ?? null;
}

// ---- views ----

const recentProto = (a: RecentAction) => ({
  scheduleTime: tsFromMs(a.scheduleTime),
  actualTime: tsFromMs(a.actualTime),
  startWorkflowResult: { workflowId: a.workflowId, runId: a.runId },
  startWorkflowStatus: a.status,
});

export function scheduleProto(r: ScheduleRecord) {
  return {
    spec: specProto(r.spec),
    action: decodeB64(ScheduleAction, r.action),
    policies: {
      overlapPolicy: resolveOverlap(r, 0),
      catchupWindow: durFromMs(catchupWindow(r.catchupWindowMs)),
      pauseOnFailure: r.pauseOnFailure,
    },
    state: { paused: isPaused(r), notes: r.notes, limitedActions: r.limitedActions, remainingActions: r.remainingActions },
  };
}

export function infoProto(r: ScheduleRecord, spec: CompiledSpec) {
  return {
    actionCount: r.actionCount,
    missedCatchupWindow: r.missedCatchupWindow,
    overlapSkipped: r.overlapSkipped,
    bufferDropped: r.bufferDropped,
    bufferSize: r.buffered.length,
    runningWorkflows: r.runningWorkflows.map((w) => ({ workflowId: w.workflowId, runId: w.runId })),
    recentActions: r.recentActions.map(recentProto),
    futureActionTimes: futureActionTimes(r, spec, FUTURE_ACTION_TIMES).map(tsFromMs),
    createTime: tsFromMs(r.createTime),
    updateTime: r.updateTime != null ? tsFromMs(r.updateTime) : null,
  };
}

export function listEntryProto(r: ScheduleRecord, spec: CompiledSpec) {
  const action = decodeB64(ScheduleAction, r.action);
  return {
    scheduleId: r.scheduleId,
    memo: decodeB64(Memo, r.memo) ?? { fields: {} },
    searchAttributes: decodeB64(SearchAttributes, r.searchAttributes) ?? { indexedFields: {} },
    info: {
      spec: specProto(r.spec),
      workflowType: action?.startWorkflow?.workflowType ?? null,
      notes: r.notes,
      paused: isPaused(r),
      recentActions: r.recentActions.slice(-5).map(recentProto),
      futureActionTimes: futureActionTimes(r, spec, 5).map(tsFromMs),
    },
  };
}
