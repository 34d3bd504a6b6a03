/**
 * Temporal's per-workflow history limits (dynamic config `limit.historyCount.*` / `limit.historySize.*`):
 *  - every WorkflowTaskStarted carries `historySizeBytes`, and `suggestContinueAsNew` (with its reasons) once
 *    the history reaches `limit.historyCount.suggestContinueAsNew` events (default 4,096) or
 *    `limit.historySize.suggestContinueAsNew` bytes (default 4 MiB) — the SDK shows it as
 *    `workflowInfo().continueAsNewSuggested`;
 *  - past the warn limits (10,240 events / 10 MiB) the run is logged, once per run and limit;
 *  - past the error limits (51,200 events / 50 MiB) a mutation of a running run terminates it, as Temporal's
 *    `enforceHistorySizeCheck` / `enforceHistoryCountCheck` do: WorkflowExecutionTerminated with reason
 *    "Workflow history size exceeds limit." or "Workflow history count exceeds limit.", identity
 *    "history-service". (Temporal discards the mutation that crossed the limit before terminating; here its
 *    events stay in the history, just before the termination.)
 * And its update limits (`history.maxInFlightUpdates`, 10; `history.maxTotalUpdates`, 2,000, rejections not
 * counted): an update beyond them is refused at admission (UpdatesInFlightLimitError, RESOURCE_EXHAUSTED, which the
 * client retries; UpdatesTotalLimitError, FAILED_PRECONDITION), and from 90 % of the total the workflow task started
 * suggests continue-as-new (TOO_MANY_UPDATES). A run's state keeps an entry per update it took (deduplication by
 * update id), written whole with each change: the limit bounds it, as Temporal's bounds its mutable state.
 */
import type { Logger } from '../grpc';
import { enums } from '../proto';
import type { RunContext, Work } from './context';
import type { RunState } from './state';
import { terminateRun } from './lifecycle';
import { UpdatesInFlightLimitError, UpdatesTotalLimitError } from '../errors';

export interface HistoryLimitOptions {
  /** `limit.historyCount.suggestContinueAsNew` (default 4,096 events). */
  countSuggestContinueAsNew?: number;
  /** `limit.historySize.suggestContinueAsNew` (default 4 MiB). */
  sizeSuggestContinueAsNew?: number;
  /** `limit.historyCount.warn` (default 10,240 events). */
  countWarn?: number;
  /** `limit.historySize.warn` (default 10 MiB). */
  sizeWarn?: number;
  /** `limit.historyCount.error` (default 51,200 events): the run is terminated past it. */
  countError?: number;
  /** `limit.historySize.error` (default 50 MiB): the run is terminated past it. */
  sizeError?: number;
  /** `history.maxInFlightUpdates` (default 10): updates admitted and not completed at once. */
  maxInFlightUpdates?: number;
  /** `history.maxTotalUpdates` (default 2,000): updates a run takes, rejected ones not counted. */
  maxTotalUpdates?: number;
}

export const DEFAULT_HISTORY_LIMITS: Required<HistoryLimitOptions> = {
  countSuggestContinueAsNew: 4 * 1024,
  sizeSuggestContinueAsNew: 4 * 1024 * 1024,
  countWarn: 10 * 1024,
  sizeWarn: 10 * 1024 * 1024,
  countError: 50 * 1024,
  sizeError: 50 * 1024 * 1024,
  maxInFlightUpdates: 10,
  maxTotalUpdates: 2000,
};

/** Share of `maxTotalUpdates` from which continue-as-new is suggested (Temporal's default threshold). */
const UPDATES_SUGGEST_CONTINUE_AS_NEW = 0.9;

/** A run's updates as the limits count them: in flight (not completed) and in total (rejections not counted). */
export function updateCounts(s: RunState): { inFlight: number; total: number } {
  let inFlight = 0;
  let total = 0;
  for (const u of Object.values(s.updates)) {
    if (u.state !== 'completed') inFlight++;
    if (!u.rejected) total++;
  }
  return { inFlight, total };
}

export const HISTORY_SIZE_EXCEEDS_LIMIT = 'Workflow history size exceeds limit.';
export const HISTORY_COUNT_EXCEEDS_LIMIT = 'Workflow history count exceeds limit.';

const REASON = enums.SuggestContinueAsNewReason;
const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

export class HistoryLimits {
  readonly limits: Required<HistoryLimitOptions>;
  /** Runs already logged past a warn limit (one line per run and limit, as Temporal's throttled logger). */
  private readonly warned = new Set<string>();

  constructor(
    opts: HistoryLimitOptions = {},
    private readonly logger?: Logger,
  ) {
    this.limits = { ...DEFAULT_HISTORY_LIMITS };
    for (const [k, v] of Object.entries(opts) as [keyof HistoryLimitOptions, number | undefined][]) {
      if (v === undefined) continue;
      if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`history limit ${k} must be a positive integer, got ${v}`);
      this.limits[k] = v;
    }
  }

  /**
   * The fields Temporal sets on WorkflowTaskStarted, computed just before the event is added (the event count is
   * then the started event's id, as in Temporal's `getHistorySizeInfo`).
   */
  startedAttributes(s: RunState): { historySizeBytes: number; suggestContinueAsNew: boolean; suggestContinueAsNewReasons: number[] } {
    const reasons: number[] = [];
    if (s.historySizeBytes >= this.limits.sizeSuggestContinueAsNew) reasons.push(REASON.SUGGEST_CONTINUE_AS_NEW_REASON_HISTORY_SIZE_TOO_LARGE);
    if (s.nextEventId >= this.limits.countSuggestContinueAsNew) reasons.push(REASON.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS);
    if (updateCounts(s).total >= UPDATES_SUGGEST_CONTINUE_AS_NEW * this.limits.maxTotalUpdates) reasons.push(REASON.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_UPDATES);
    return { historySizeBytes: s.historySizeBytes, suggestContinueAsNew: reasons.length > 0, suggestContinueAsNewReasons: reasons };
  }

  /** Refuses a new update beyond the run's update limits (checked at admission, as Temporal's update registry). */
  admitUpdate(s: RunState): void {
    const { inFlight, total } = updateCounts(s);
    if (inFlight >= this.limits.maxInFlightUpdates) throw new UpdatesInFlightLimitError(this.limits.maxInFlightUpdates);
    if (total >= this.limits.maxTotalUpdates) throw new UpdatesTotalLimitError(this.limits.maxTotalUpdates);
  }

  /** The termination reason when a running run is past an error limit (size first, as Temporal checks it first). */
  exceeded(s: RunState): string | null {
    if (s.status !== RUNNING) return null;
    const count = s.nextEventId - 1;
    if (s.historySizeBytes > this.limits.sizeError) return HISTORY_SIZE_EXCEEDS_LIMIT;
    if (count > this.limits.countError) return HISTORY_COUNT_EXCEEDS_LIMIT;
    this.warn(s, 'size', s.historySizeBytes, this.limits.sizeWarn, 'bytes');
    this.warn(s, 'count', count, this.limits.countWarn, 'events');
    return null;
  }

  private warn(s: RunState, what: string, value: number, limit: number, unit: string) {
    if (value <= limit) return;
    const key = `${s.runId}:${what}`;
    if (this.warned.has(key)) return;
    if (this.warned.size > 10_000) this.warned.clear();
    this.warned.add(key);
    this.logger?.warn(`history ${what} of workflow ${s.workflowId} (run ${s.runId}) is ${value} ${unit}, past the warn limit of ${limit}`);
  }

  /** After a unit of work mutated its runs: terminates every running one that is now past an error limit. */
  enforce(work: Work): void {
    for (const ctx of work.runs.values()) {
      if (!ctx.dirty || ctx.isNew) continue;
      const reason = this.exceeded(ctx.state);
      if (!reason) continue;
      this.logger?.warn(`history of workflow ${ctx.state.workflowId} (run ${ctx.state.runId}) exceeds the error limit: terminated (${reason})`);
      terminateForHistoryLimit(ctx, reason);
    }
  }
}

function terminateForHistoryLimit(ctx: RunContext, reason: string): void {
  terminateRun(ctx, reason, null, 'history-service');
}
