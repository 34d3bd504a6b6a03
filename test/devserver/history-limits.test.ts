/**
 * Temporal's per-workflow history limits (`historyLimits`, here set low): WorkflowTaskStarted carries
 * `historySizeBytes` and `suggestContinueAsNew` (the SDK's `workflowInfo().continueAsNewSuggested`) with its
 * reason; past an error limit the run is terminated with Temporal's reason; past a warn limit it is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminatedFailure, WorkflowFailedError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { parseDynamicConfig } from '../../devserver/dynamic-config';
import { HistoryLimits } from '../../devserver/engine/history-limits';
import { startEnv, uid, type TestEnv } from './helpers';
import type { GrowthReport } from '../../devserver/harness/workflows/limits';

const ET = protoRoot.temporal.api.enums.v1.EventType;
const REASON = protoRoot.temporal.api.enums.v1.SuggestContinueAsNewReason;
const LIMITS = { countSuggestContinueAsNew: 30, sizeSuggestContinueAsNew: 8_000, countWarn: 50, countError: 80, sizeWarn: 12_000, sizeError: 20_000 };

const warnings: string[] = [];
let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('history-limits', {
    historyLimits: LIMITS,
    logger: { info() {}, warn: (m: string) => warnings.push(m), error: (m: string, e?: unknown) => console.error(m, e ?? '') },
  });
});
afterAll(async () => {
  await env?.close();
});

const historyOf = async (workflowId: string, runId?: string) => (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
const startedEvents = async (workflowId: string) =>
  (await historyOf(workflowId)).filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED).map((e) => ({ id: Number(e.eventId), a: e.workflowTaskStartedEventAttributes! }));

describe('history limits', () => {
  it('suggests continue-as-new on the first workflow task started at the event-count threshold, with historySizeBytes', async () => {
    const workflowId = uid('count-suggest');
    const report = await env.client.workflow.execute('growUntilSuggested', { taskQueue: env.taskQueue, workflowId, args: [1000, 10] });
    expect(report).toMatchObject({ suggested: true, runs: 1 });
    expect(report.historyLength).toBeGreaterThanOrEqual(LIMITS.countSuggestContinueAsNew);
    const started = await startedEvents(workflowId);
    for (const { id, a } of started) {
      expect(a.suggestContinueAsNew ?? false).toBe(id >= LIMITS.countSuggestContinueAsNew);
      if (a.suggestContinueAsNew) expect(a.suggestContinueAsNewReasons).toEqual([REASON.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS]);
    }
    const sizes = started.map(({ a }) => Number(a.historySizeBytes));
    expect(sizes[0]).toBeGreaterThan(0);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThan(sizes[i - 1]!);
    expect(report.historySize).toBe(sizes.at(-1));
  });

  it('suggests continue-as-new on history size (reason HISTORY_SIZE_TOO_LARGE) before the event count', async () => {
    const workflowId = uid('size-suggest');
    const report = await env.client.workflow.execute('growUntilSuggested', { taskQueue: env.taskQueue, workflowId, args: [1000, 1500] });
    expect(report.suggested).toBe(true);
    expect(report.historyLength).toBeLessThan(LIMITS.countSuggestContinueAsNew);
    expect(report.historySize).toBeGreaterThanOrEqual(LIMITS.sizeSuggestContinueAsNew);
    const last = (await startedEvents(workflowId)).at(-1)!.a;
    expect(last.suggestContinueAsNewReasons).toEqual([REASON.SUGGEST_CONTINUE_AS_NEW_REASON_HISTORY_SIZE_TOO_LARGE]);
  });

  it('a workflow that continues as new when suggested runs on, each run below the limits', async () => {
    const workflowId = uid('continue');
    const h = await env.client.workflow.start('growUntilSuggested', { taskQueue: env.taskQueue, workflowId, args: [1000, 10, 2] });
    const report: GrowthReport = await h.result();
    expect(report.runs).toBe(3);
    expect(report.activities).toBeGreaterThan(10);
    const d = await h.describe();
    expect(d.historyLength).toBeLessThan(LIMITS.countError);
    expect(warnings.some((w) => w.includes(workflowId))).toBe(false);
  });

  it('terminates a run past the event-count error limit with Temporal reason, identity history-service; logs the warn limit', async () => {
    const workflowId = uid('count-error');
    const h = await env.client.workflow.start('growPastLimits', { taskQueue: env.taskQueue, workflowId, args: [1000, 10] });
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const events = await historyOf(workflowId);
    const last = events.at(-1)!;
    expect(last.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    expect(last.workflowExecutionTerminatedEventAttributes).toMatchObject({ reason: 'Workflow history count exceeds limit.', identity: 'history-service' });
    // Terminated by the first mutation past the limit (its own events, at most a handful, come before).
    expect(events.length).toBeGreaterThan(LIMITS.countError);
    expect(events.length).toBeLessThan(LIMITS.countError + 8);
    expect(warnings.filter((w) => w.includes(workflowId) && w.includes('count') && w.includes('warn limit'))).toHaveLength(1);
    expect((await h.describe()).status.name).toBe('TERMINATED');
  });

  it('terminates a run past the history-size error limit', async () => {
    const workflowId = uid('size-error');
    const h = await env.client.workflow.start('growPastLimits', { taskQueue: env.taskQueue, workflowId, args: [1000, 1500] });
    await expect(h.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const events = await historyOf(workflowId);
    expect(events.at(-1)!.workflowExecutionTerminatedEventAttributes?.reason).toBe('Workflow history size exceeds limit.');
    expect(events.length).toBeLessThan(LIMITS.countError);
  });
});

describe('history limit configuration', () => {
  it('takes Temporal dynamic-config keys; an unknown key or a bad value is an error', () => {
    expect(parseDynamicConfig(['limit.historyCount.error=100', 'limit.historySize.suggestContinueAsNew=2048', 'limit.blobSize.error=4096'])).toEqual({
      historyLimits: { countError: 100, sizeSuggestContinueAsNew: 2048 },
      blobSizeLimitBytes: 4096,
    });
    expect(() => parseDynamicConfig(['limit.historyCount.eror=1'])).toThrow(/unknown key "limit.historyCount.eror"/);
    expect(() => parseDynamicConfig(['limit.historyCount.error=-1'])).toThrow(/not a positive integer/);
    expect(() => new HistoryLimits({ countError: 0 })).toThrow(RangeError);
    expect(new HistoryLimits().limits).toEqual({
      countSuggestContinueAsNew: 4096,
      sizeSuggestContinueAsNew: 4 * 1024 * 1024,
      countWarn: 10_240,
      sizeWarn: 10 * 1024 * 1024,
      countError: 51_200,
      sizeError: 50 * 1024 * 1024,
      maxInFlightUpdates: 10,
      maxTotalUpdates: 2000,
    });
  });
});
