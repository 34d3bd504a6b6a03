/**
 * Runs schedules from their persisted state: one timer for the earliest `next_wake_at` (so what is due fires
 * after a restart too), and a wake-up when a workflow a schedule started closes. Each step of a schedule runs
 * under the schedule's in-process lock: refresh its running workflows, buffer the times due since the last
 * processed time, resolve the buffer against the overlap policy, start/cancel/terminate through the
 * execution handlers, then write the state version-checked. A start's workflow id names its slot
 * (`<workflowId>-<nominal time, RFC 3339 seconds>`) and scheduled starts reject duplicates, so a step retried
 * after a crash between the start and the state write records the existing workflow instead of starting twice.
 */
import type { Engine } from '../engine/engine';
import { DevServerError, type WorkflowServiceHandlers } from '../errors';
import { decodeB64, encodeB64, enums, Failure, Payloads, type TemporalTypes } from '../proto';
import type { RunState } from '../engine/state';
import {
  canTakeAction,
  compile,
  isPaused,
  nextWakeAt,
  planBuffer,
  processTimeRange,
  recordAction,
  ScheduleAction,
  type BufferedStart,
  type ScheduleRecord,
} from './model';
import * as store from './store';
import { transition } from './transitions';
import { jsonPayload, type ScheduleVisibility } from './visibility';

const ST = enums.WorkflowExecutionStatus;
const REUSE = enums.WorkflowIdReusePolicy;
const OVERLAP = enums.ScheduleOverlapPolicy;

const key = (namespaceId: string, id: string) => `${namespaceId}/${id}`;

/** RFC 3339 in UTC, whole seconds (Go's time.RFC3339 of the truncated nominal time). */
export const slotSuffix = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');


export class ScheduleConflictError extends Error {
  readonly code = 'SCHEDULE_CONCURRENT_UPDATE';
}

export interface StepOptions {
  /** Changes the record before the step (a request). */
  mutate?: (r: ScheduleRecord) => void;
}

export class ScheduleRunner {
  private timer: NodeJS.Timeout | null = null;
  private nextAt = Infinity;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private locks = new Map<string, Promise<unknown>>();
  /** `${namespaceId}/${workflowId}` of running actions → schedule key. */
  private readonly watches = new Map<string, { namespaceId: string; scheduleId: string }>();

  constructor(
    private readonly engine: Engine,
    private readonly executions: WorkflowServiceHandlers,
    private readonly visibility: ScheduleVisibility,
  ) {
    engine.runListeners.push((ctx) => {
      const s = ctx.state;
      if (this.stopped || s.status === ST.WORKFLOW_EXECUTION_STATUS_RUNNING) return;
      const w = this.watches.get(key(s.namespaceId, s.workflowId));
      if (w) void this.step(w.namespaceId, w.scheduleId).catch((e) => this.engine.logger.error(`schedule ${w.scheduleId} failed`, e));
    });
  }

  async start(): Promise<void> {
    const tracking: ScheduleRecord[] = [];
    for (const r of await store.allSchedules(this.engine.db)) {
      this.watch(r);
      if (r.runningWorkflows.length > 0) tracking.push(r);
    }
    this.kick();
    // A tracked workflow may have closed just before a crash, its wake-up lost: look at those schedules once.
    for (const r of tracking) void this.step(r.namespaceId, r.scheduleId).catch((e) => this.engine.logger.error(`schedule ${r.scheduleId} failed`, e));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => {});
    await Promise.all([...this.locks.values()].map((p) => p.catch(() => {})));
  }

  wake(at: number): void {
    if (this.stopped || at >= this.nextAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = setTimeout(() => this.kick(), Math.min(Math.max(0, at - this.engine.now()), 2 ** 31 - 1));
  }

  private kick(): void {
    if (this.stopped) return;
    this.timer = null;
    this.nextAt = Infinity;
    this.running = this.running.then(() => this.loop());
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const due = await store.dueSchedules(this.engine.db, new Date(this.engine.now()), 100);
        let failed = false;
        for (const d of due) {
          try {
            await this.step(d.namespaceId, d.scheduleId);
          } catch (e) {
            // The others still run; this one stays due and is tried again.
            failed = true;
            this.engine.logger.error(`schedule ${d.scheduleId} failed; retrying in 1s`, e);
          }
        }
        if (failed) {
          this.wake(this.engine.now() + 1000);
          return;
        }
        if (due.length < 100) break;
      }
      const next = await store.nextWakeAt(this.engine.db);
      if (next != null) this.wake(next);
    } catch (e) {
      if (this.stopped) return;
      this.engine.logger.error('schedule loop failed; retrying in 1s', e);
      this.wake(this.engine.now() + 1000);
    }
  }

  /** Runs `fn` under the schedule's in-process lock. */
  async locked<T>(namespaceId: string, scheduleId: string, fn: () => Promise<T>): Promise<T> {
    const k = key(namespaceId, scheduleId);
    const prev = this.locks.get(k) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    this.locks.set(k, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(k) === run) this.locks.delete(k);
    }
  }

  /** Registers the running actions of a schedule so their close wakes it. */
  watch(r: ScheduleRecord): void {
    for (const w of r.runningWorkflows) this.watches.set(key(r.namespaceId, w.workflowId), { namespaceId: r.namespaceId, scheduleId: r.scheduleId });
  }

  unwatch(r: ScheduleRecord): void {
    for (const w of r.runningWorkflows) this.watches.delete(key(r.namespaceId, w.workflowId));
  }

  /** One processing step (optionally after a request's change); returns the written record, null if gone. */
  step(namespaceId: string, scheduleId: string, opts: StepOptions = {}): Promise<ScheduleRecord | null> {
    return this.locked(namespaceId, scheduleId, async () => {
      const row = await store.loadSchedule(this.engine.db, namespaceId, scheduleId);
      if (!row) return null;
      const r = row.record;
      const wasPaused = isPaused(r);
      this.unwatch(r);
      if (opts.mutate) {
        // Times due before the request are taken with the state they fell in (a pause skips them).
        const now = this.engine.now();
        if (now > r.lastProcessedTime) {
          processTimeRange(r, compile(r), r.lastProcessedTime, now, 0, false);
          r.lastProcessedTime = now;
        }
        opts.mutate(r);
      }
      await this.advance(r);
      const spec = compile(r);
      if (!(await store.updateSchedule(this.engine.db, r, row.version, nextWakeAt(r, spec)))) throw new ScheduleConflictError(`schedule ${scheduleId} changed concurrently`);
      this.watch(r);
      if (opts.mutate || wasPaused !== isPaused(r)) await this.visibility.record(r);
      const wake = nextWakeAt(r, spec);
      if (wake != null) this.wake(wake);
      return r;
    });
  }

  /** Brings the record up to now: running workflows, due times, the buffer. */
  private async advance(r: ScheduleRecord): Promise<void> {
    const now = this.engine.now();
    await this.refresh(r);
    if (now > r.lastProcessedTime) {
      processTimeRange(r, compile(r), r.lastProcessedTime, now, 0, false);
      r.lastProcessedTime = now;
    }
    // A terminated run closes at once, so the buffer may move again; three rounds cover any mix of policies.
    for (let round = 0; round < 3 && r.buffered.length > 0; round++) {
      const plan = planBuffer(r);
      const action = decodeB64(ScheduleAction, r.action);
      for (const { start, tracked } of plan.starts) {
        if (!canTakeAction(r, start.manual, true)) continue;
        transition(r.scheduleId, r, start.manual ? 'takeManualAction' : 'takeAction', now);
        const ref = await this.startWorkflow(r, action, start);
        if (!ref) continue;
        recordAction(r, start, ref, tracked);
        // Watched at once: the workflow may close before this step's write (its wake-up queues behind the lock).
        if (tracked) this.watch(r);
      }
      if (!plan.needCancel && !plan.needTerminate) break;
      for (const w of r.runningWorkflows) await this.stopWorkflow(r, w, plan.needTerminate);
      if (!plan.needTerminate) break;
      await this.refresh(r);
    }
  }

  /** Drops closed workflows from the running list (status, last result or failure, pause on failure). */
  private async refresh(r: ScheduleRecord): Promise<void> {
    const still = [];
    for (const w of r.runningWorkflows) {
      const s = await this.followRun(w.runId);
      if (!s || s.status === ST.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (s) still.push(w);
        continue;
      }
      for (const a of r.recentActions) if (a.workflowId === w.workflowId) a.status = s.status;
      const close = (await this.engine.readEvents(this.engine.db, s.runId, s.completionEventId, s.completionEventId + 1))[0];
      const result = close?.workflowExecutionCompletedEventAttributes?.result;
      const failure = close?.workflowExecutionFailedEventAttributes?.failure;
      if (result) {
        r.lastCompletionResult = encodeB64(Payloads, result);
        r.continuedFailure = undefined;
      } else if (failure) {
        r.continuedFailure = encodeB64(Failure, failure);
      }
      const failed = s.status === ST.WORKFLOW_EXECUTION_STATUS_FAILED || s.status === ST.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
      if (r.pauseOnFailure && failed && !isPaused(r)) {
        transition(r.scheduleId, r, 'pauseOnFailure', this.engine.now());
        r.notes =
          s.status === ST.WORKFLOW_EXECUTION_STATUS_FAILED
            ? `paused due to workflow failure: ${w.workflowId}: ${failure?.message ?? ''}`
            : `paused due to workflow timeout: ${w.workflowId}`;
        r.conflictToken++;
      }
    }
    r.runningWorkflows = still;
  }

  /** The run, or the last run of its continue-as-new chain. */
  private async followRun(runId: string): Promise<RunState | null> {
    let s = await this.engine.readRun(runId);
    for (let i = 0; s && s.status === ST.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW && s.newExecutionRunId && i < 1000; i++) {
      s = await this.engine.readRun(s.newExecutionRunId);
    }
    return s;
  }

  private async startWorkflow(
    r: ScheduleRecord,
    action: TemporalTypes.api.schedule.v1.IScheduleAction,
    start: BufferedStart,
  ): Promise<{ workflowId: string; runId: string } | null> {
    const sw = action.startWorkflow!;
    const ns = await this.engine.namespaceById(r.namespaceId);
    const workflowId = `${sw.workflowId}-${slotSuffix(start.nominal)}`;
    const allowAll = start.overlap === OVERLAP.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
    const indexedFields = {
      ...(sw.searchAttributes?.indexedFields ?? {}),
      TemporalScheduledStartTime: jsonPayload(new Date(Math.floor(start.nominal / 1000) * 1000).toISOString(), 'Datetime'),
      TemporalScheduledById: jsonPayload(r.scheduleId, 'Keyword'),
    };
    const req = {
      namespace: ns.name,
      workflowId,
      workflowType: sw.workflowType,
      taskQueue: sw.taskQueue,
      input: sw.input,
      workflowExecutionTimeout: sw.workflowExecutionTimeout,
      workflowRunTimeout: sw.workflowRunTimeout,
      workflowTaskTimeout: sw.workflowTaskTimeout,
      identity: 'temporal-scheduler',
      requestId: this.engine.ids.requestId(),
      workflowIdReusePolicy: start.manual ? REUSE.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE : REUSE.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
      retryPolicy: sw.retryPolicy,
      memo: sw.memo,
      searchAttributes: { indexedFields },
      header: sw.header,
      lastCompletionResult: allowAll ? null : decodeB64(Payloads, r.lastCompletionResult),
      continuedFailure: allowAll ? null : decodeB64(Failure, r.continuedFailure),
      userMetadata: sw.userMetadata,
      priority: sw.priority,
    };
    try {
      const res = (await this.executions.StartWorkflowExecution!(req, new AbortController().signal)) as { runId?: string };
      return { workflowId, runId: String(res.runId) };
    } catch (e) {
      // A start the server refuses (bad input, unknown namespace…) is dropped, as Temporal's scheduler does.
      if (e instanceof DevServerError && e.code !== 'WORKFLOW_ALREADY_STARTED') {
        this.engine.logger.warn(`schedule ${r.scheduleId}: start of ${workflowId} refused: ${e.message}`);
        return null;
      }
      // The slot's workflow exists: this step is a retry after a crash (or a trigger in the same second).
      if (!(e instanceof DevServerError)) throw e;
      const runId = await this.engine.resolveRunId(r.namespaceId, workflowId);
      return { workflowId, runId: runId ?? '' };
    }
  }

  private async stopWorkflow(r: ScheduleRecord, w: { workflowId: string; runId: string }, terminate: boolean): Promise<void> {
    const ns = await this.engine.namespaceById(r.namespaceId);
    const req = {
      namespace: ns.name,
      workflowExecution: { workflowId: w.workflowId },
      firstExecutionRunId: w.runId,
      reason: terminate ? 'terminated by schedule overlap policy' : 'cancelled by schedule overlap policy',
      identity: 'temporal-scheduler',
      requestId: this.engine.ids.requestId(),
    };
    try {
      await this.executions[terminate ? 'TerminateWorkflowExecution' : 'RequestCancelWorkflowExecution']!(req, new AbortController().signal);
    } catch (e) {
      if ((e as { code?: string }).code !== 'NOT_FOUND') throw e; // already closed
    }
  }
}
