/**
 * Reset reapplies updates as well as signals (as an UpdateAdmitted event of origin REAPPLY the worker runs
 * again), honouring the reapply options the client sends: exclude UPDATE, the deprecated type SIGNAL (signals
 * only) and NONE reapply no update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, type TestEnv } from './helpers';

const { temporal } = protoRoot;
const ET = temporal.api.enums.v1.EventType;
const EXCLUDE = temporal.api.enums.v1.ResetReapplyExcludeType;
const REAPPLY = temporal.api.enums.v1.ResetReapplyType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('reset-updates');
});
afterAll(async () => {
  await env?.close();
});

/** An updatable workflow that took two accepted updates after its first workflow task, reset to that task. */
async function resetAfterUpdates(extra: Record<string, unknown>) {
  const workflowId = uid('reset-upd');
  const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId });
  expect(await h.executeUpdate('increment', { args: [3] })).toBe(3);
  expect(await h.executeUpdate('increment', { args: [4] })).toBe(7);
  const events = (await h.fetchHistory()).events!;
  const firstCompleted = events.find((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)!.eventId!;
  const res = await env.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
    reason: 'reset past the updates',
    workflowTaskFinishEventId: firstCompleted,
    requestId: uid('req'),
    ...extra,
  });
  const next = env.client.workflow.getHandle(workflowId, res.runId!);
  return { next, workflowId };
}

describe('reset and updates', () => {
  it('by default the accepted updates are reapplied: the new run runs them again, once each', async () => {
    const { next } = await resetAfterUpdates({});
    await next.signal('done');
    expect(await next.result()).toBe(7);
    const events = (await next.fetchHistory()).events!;
    const admitted = events.filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED);
    expect(admitted.map((e) => e.workflowExecutionUpdateAdmittedEventAttributes?.origin)).toEqual([
      temporal.api.enums.v1.UpdateAdmittedEventOrigin.UPDATE_ADMITTED_EVENT_ORIGIN_REAPPLY,
      temporal.api.enums.v1.UpdateAdmittedEventOrigin.UPDATE_ADMITTED_EVENT_ORIGIN_REAPPLY,
    ]);
    expect(events.filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).toHaveLength(2);
    // The same update id again is deduplicated in the new run.
    const id = admitted[0].workflowExecutionUpdateAdmittedEventAttributes!.request!.meta!.updateId!;
    expect(await next.executeUpdate('increment', { args: [100], updateId: id })).toBe(3);
  });

  it('exclude UPDATE, the deprecated type SIGNAL and NONE reapply no update', async () => {
    for (const extra of [
      { resetReapplyExcludeTypes: [EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE] },
      { resetReapplyType: REAPPLY.RESET_REAPPLY_TYPE_SIGNAL },
      { resetReapplyType: REAPPLY.RESET_REAPPLY_TYPE_NONE },
    ]) {
      const { next } = await resetAfterUpdates(extra);
      expect(await next.executeUpdate('increment', { args: [1] })).toBe(1);
      await next.signal('done');
      expect(await next.result()).toBe(1);
      const types = (await next.fetchHistory()).events!.map((e) => e.eventType);
      expect(types).not.toContain(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED);
    }
  });
});
