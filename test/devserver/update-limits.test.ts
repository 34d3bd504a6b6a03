/**
 * Temporal's update limits (`history.maxInFlightUpdates`, `history.maxTotalUpdates`; here set low): an update beyond
 * the in-flight limit is refused with RESOURCE_EXHAUSTED (cause CONCURRENT_LIMIT), one beyond the total with
 * FAILED_PRECONDITION, rejected updates do not count, and from 90 % of the total the workflow task started suggests
 * continue-as-new (TOO_MANY_UPDATES). They bound the entries a run's state keeps for its updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { parseDynamicConfig } from '../../devserver/dynamic-config';
import { startEnv, uid, type TestEnv } from './helpers';

const proto = protoRoot.temporal.api;
const ET = proto.enums.v1.EventType;
const REASON = proto.enums.v1.SuggestContinueAsNewReason;
const ADMITTED = proto.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;

let env: TestEnv;
let raw: Connection;
beforeAll(async () => {
  env = await startEnv('update-limits', { historyLimits: { maxInFlightUpdates: 2, maxTotalUpdates: 5 } });
  // No retry interceptor: the answer itself is under test (the SDK's default retries RESOURCE_EXHAUSTED).
  raw = await Connection.connect({ address: env.server.address, interceptors: [] });
});
afterAll(async () => {
  await raw?.close();
  await env?.close();
});

describe('update limits', () => {
  it('an update beyond the in-flight limit is RESOURCE_EXHAUSTED with cause CONCURRENT_LIMIT; the same id again is no new update', async () => {
    // No worker polls this queue: admitted updates stay in flight.
    const h = await env.client.workflow.start('updatable', { taskQueue: uid('no-worker'), workflowId: uid('in-flight') });
    const arg = env.client.options.loadedDataConverter.payloadConverter.toPayload(1);
    const admit = (updateId: string) =>
      raw.workflowService.updateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: h.workflowId },
        request: { meta: { updateId }, input: { name: 'increment', args: { payloads: [arg] } } },
        waitPolicy: { lifecycleStage: ADMITTED },
      });
    expect((await admit('u1')).stage).toBe(ADMITTED);
    expect((await admit('u2')).stage).toBe(ADMITTED);
    const err = (await admit('u3').catch((e: unknown) => e)) as { code: number; details: string; metadata: { get(k: string): unknown[] } };
    expect(err.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(err.details).toBe('limit on number of concurrent in-flight updates has been reached (2)');
    const status = proto.errordetails.v1.ResourceExhaustedFailure;
    const [bin] = err.metadata.get('grpc-status-details-bin') as Buffer[];
    const details = protoRoot.google.rpc.Status.decode(bin).details[0];
    expect(details.type_url).toBe('type.googleapis.com/temporal.api.errordetails.v1.ResourceExhaustedFailure');
    expect(status.decode(details.value!).cause).toBe(proto.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT);
    // A retry of an admitted update is deduplicated, not refused.
    expect((await admit('u1')).stage).toBe(ADMITTED);
    await h.terminate('test over');
  });

  it('past the total an update is FAILED_PRECONDITION; rejections do not count; continue-as-new is suggested from 90 %', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('total') });
    for (let i = 0; i < 3; i++) await expect(h.executeUpdate('increment', { args: [-1] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    for (let i = 1; i <= 5; i++) expect(await h.executeUpdate('increment', { args: [1] })).toBe(i);
    const err = (await h.executeUpdate('increment', { args: [1] }).catch((e: unknown) => e)) as { cause?: { code?: number; details?: string } };
    expect(err.cause).toMatchObject({ code: 9, details: 'limit on number of total updates has been reached (5)' }); // FAILED_PRECONDITION
    const started = ((await h.fetchHistory()).events ?? []).filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const suggested = started.filter((e) => e.workflowTaskStartedEventAttributes?.suggestContinueAsNewReasons?.includes(REASON.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_UPDATES));
    // The task that delivered the fifth update (5 of 5 ≥ 90 %) suggests it; those of the first four (≤ 4 of 5) do not.
    expect(suggested.length).toBeGreaterThanOrEqual(1);
    expect(started.length - suggested.length).toBeGreaterThanOrEqual(5);
    for (const e of suggested) expect(e.workflowTaskStartedEventAttributes?.suggestContinueAsNew).toBe(true);
    await h.signal('done');
    expect(await h.result()).toBe(5);
  });

  it('a run keeps its last 100 rejections (not counted by the limits, they would otherwise pile up in its state)', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('rejections') });
    const ids = Array.from({ length: 104 }, (_, i) => `rejected-${i}`);
    for (const updateId of ids) await expect(h.executeUpdate('increment', { args: [-1], updateId })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const state = (await env.server.engine.readRun((await h.describe()).runId))!;
    expect(Object.keys(state.updates)).toEqual(ids.slice(4));
    // The latest are still answered from the state.
    await expect(h.getUpdateHandle(ids[103]).result()).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await h.signal('done');
    expect(await h.result()).toBe(0);
  });

  it('the limits are set with the Temporal CLI dynamic config keys', () => {
    expect(parseDynamicConfig(['history.maxInFlightUpdates=3', 'history.maxTotalUpdates=100'])).toEqual({ historyLimits: { maxInFlightUpdates: 3, maxTotalUpdates: 100 } });
    expect(() => parseDynamicConfig(['history.maxTotalUpdates=0'])).toThrow('not a positive integer');
  });
});
