/**
 * Cron workflows (`cronSchedule` on start), chained as Temporal chains them: the first workflow task waits for
 * the first cron time; when a run completes or fails, its close event names the next run
 * (`newExecutionRunId`) and the next run — same workflow id, same input, initiator CRON_SCHEDULE — starts with
 * the time until the next cron time as first-workflow-task backoff, carrying the last completion result (or
 * the failure, with the previous result kept). Cancel and terminate end the chain.
 */
import { InvalidArgumentError } from '../errors';
import { decodeB64, enums, Memo, msFromDur, SearchAttributes } from '../proto';
import { SpecError } from '../schedules/calendar';
import { canonicalizeSpec, CompiledSpec } from '../schedules/spec';
import type { RunContext } from './context';
import type { Engine } from './engine';
import { createRun } from './lifecycle';

const cache = new Map<string, CompiledSpec>();

/** The compiled cron string (a Temporal cron string: 5–7 fields, @daily…, @every, CRON_TZ=); INVALID_ARGUMENT if malformed. */
export function cronSpec(cron: string): CompiledSpec {
  let spec = cache.get(cron);
  if (spec) return spec;
  try {
    spec = new CompiledSpec(canonicalizeSpec({ cronString: [cron] }), '');
  } catch (e) {
    if (e instanceof SpecError) throw new InvalidArgumentError(`Invalid CronSchedule "${cron}": ${e.message}`);
    throw e;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(cron, spec);
  return spec;
}

/** Milliseconds from `closeTime` to the first cron time after the run's scheduled time that is not before `closeTime`. */
export function cronBackoffMs(cron: string, scheduledTime: number, closeTime: number): number | null {
  const spec = cronSpec(cron);
  let next = spec.next(scheduledTime)?.next ?? null;
  while (next != null && next < closeTime) next = spec.next(next)?.next ?? null;
  return next == null ? null : next - closeTime;
}

export interface CronContinuation {
  runId: string;
  backoffMs: number;
}

/** The next run of a cron workflow that is closing now (null: not a cron workflow, or no more cron times). */
export function nextCronRun(engine: Engine, ctx: RunContext): CronContinuation | null {
  const cron = ctx.state.cronSchedule;
  if (!cron) return null;
  const backoffMs = cronBackoffMs(cron, ctx.state.executionTime, ctx.now);
  return backoffMs == null ? null : { runId: engine.ids.runId(), backoffMs };
}

/** Starts the next run of the chain (after the closed run's close event, which names `next.runId`). */
export async function startCronRun(
  engine: Engine,
  ctx: RunContext,
  next: CronContinuation,
  outcome: { result?: unknown; failure?: unknown },
): Promise<void> {
  const s = ctx.state;
  const started = (await ctx.readEvent(1)).workflowExecutionStartedEventAttributes;
  s.newExecutionRunId = next.runId;
  const nextRun = await createRun(ctx.work, {
    namespaceId: s.namespaceId,
    namespace: s.namespace,
    workflowId: s.workflowId,
    runId: next.runId,
    firstRunId: s.firstRunId,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    input: started?.input,
    header: started?.header,
    executionTimeoutMs: s.executionTimeoutMs,
    runTimeoutMs: msFromDur(started?.workflowRunTimeout),
    taskTimeoutMs: s.taskTimeoutMs,
    identity: started?.identity ?? '',
    requestId: engine.ids.requestId(),
    memo: decodeB64(Memo, s.memo),
    searchAttributes: decodeB64(SearchAttributes, s.searchAttributes),
    retryPolicy: started?.retryPolicy,
    parent: s.parent,
    continuedExecutionRunId: s.runId,
    initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
    continuedFailure: outcome.failure ?? null,
    // A failure keeps the previous result (as Temporal's SetupNewWorkflowForRetryOrCron does).
    lastCompletionResult: (outcome.failure ? started?.lastCompletionResult : outcome.result) ?? null,
    firstWorkflowTaskBackoffMs: next.backoffMs,
    cronSchedule: s.cronSchedule,
  });
  // Set by compare-and-set in the new run's own write (the unit commits both runs in one transaction).
  nextRun.currentRun = { prev: s.runId };
}
