/**
 * Temporal's per-payload blob size limits (`blobSizeLimitBytes` / `blobSizeWarnBytes`), here set small: an
 * oversized client payload is refused INVALID_ARGUMENT "Blob data size exceeds limit." before anything is
 * written; a workflow task whose command carries one fails with Temporal's cause and the run is terminated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminatedFailure, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { calls } from '../../devserver/harness/activities';
import { grpcCode, startEnv, uid, type TestEnv } from './helpers';

const ET = protoRoot.temporal.api.enums.v1.EventType;
const CAUSE = protoRoot.temporal.api.enums.v1.WorkflowTaskFailedCause;
const INVALID_ARGUMENT = 3;
const LIMIT = 1000;
const WARN = 500;
const oversized = 'x'.repeat(LIMIT + 100);

const warnings: string[] = [];
let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('blob-size', {
    blobSizeLimitBytes: LIMIT,
    blobSizeWarnBytes: WARN,
    logger: { info() {}, warn: (m: string) => warnings.push(m), error: (m: string, e?: unknown) => console.error(m, e ?? '') },
  });
});
afterAll(async () => {
  await env?.close();
});

const eventsOf = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

describe('blob size limits', () => {
  it('refuses a start or signal-with-start with an oversized input, and no workflow exists', async () => {
    const workflowId = uid('big-start');
    const refused = await grpcCode(env.client.workflow.start('sequence', { taskQueue: env.taskQueue, workflowId, args: [[oversized]] }));
    expect(refused).toEqual({ code: INVALID_ARGUMENT, details: 'Blob data size exceeds limit.' });
    await expect(env.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const viaSignal = await grpcCode(
      env.client.workflow.signalWithStart('signalCounter', { taskQueue: env.taskQueue, workflowId, args: [1], signal: 'add', signalArgs: [oversized] }),
    );
    expect(viaSignal.code).toBe(INVALID_ARGUMENT);
    await expect(env.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses an oversized signal or update (not in history); a payload past the warn limit is accepted and logged', async () => {
    const h = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId: uid('big-signal'), args: [1] });
    expect(await grpcCode(h.signal('add', oversized as never))).toEqual({ code: INVALID_ARGUMENT, details: 'Blob data size exceeds limit.' });
    expect((await eventsOf(h.workflowId)).filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(0);

    warnings.length = 0;
    await h.signal('add', 'w'.repeat(WARN + 50) as never);
    expect(warnings.some((w) => w.includes('SignalWorkflowExecution input') && w.includes('warn limit'))).toBe(true);
    expect(await h.result()).toBe(`0${'w'.repeat(WARN + 50)}`);
    expect((await eventsOf(h.workflowId)).filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(1);

    const u = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('big-update') });
    expect((await grpcCode(u.executeUpdate('increment', { args: [oversized as never] }))).code).toBe(INVALID_ARGUMENT);
    expect(await u.executeUpdate('increment', { args: [2] })).toBe(2);
    await u.signal('done');
    expect(await u.result()).toBe(2);
    const types = (await eventsOf(u.workflowId)).map((e) => e.eventType);
    expect(types.filter((t) => t === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(1);
  });

  it('a workflow completing with an oversized result: the task fails BAD_SCHEDULE_ACTIVITY_ATTRIBUTES and the run is terminated', async () => {
    // Each activity's input and result (~420 bytes) is within the limit; the three together are not.
    const h = await env.client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('big-result'), args: ['r'.repeat(400)] });
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const events = await eventsOf(h.workflowId);
    const types = events.map((e) => e.eventType);
    expect(types.filter((t) => t === ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)).toHaveLength(3);
    expect(types.slice(-2)).toEqual([ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]);
    const failed = events.at(-2)!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
    expect(failed.failure?.message).toBe('CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.');
    expect(events.at(-1)!.workflowExecutionTerminatedEventAttributes!.reason).toBe(
      'BadScheduleActivityAttributes: CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.',
    );
    expect(types).not.toContain(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('an activity result past the limit fails the activity, non-retryable, as a server failure', async () => {
    const key = uid('grow');
    const summary = await env.client.workflow.execute('oversizedActivityResult', { taskQueue: env.taskQueue, workflowId: uid('big-activity'), args: [key, LIMIT + 100] });
    expect(summary).toMatchObject({ type: 'ActivityFailure', causeType: 'ServerFailure', causeMessage: 'Complete result exceeds size limit.' });
    expect(calls.get(key)).toBe(1); // non-retryable: no second attempt
  });

  it('a workflow scheduling an activity with an oversized input is terminated, the activity never scheduled', async () => {
    const h = await env.client.workflow.start('oversizedActivityInput', { taskQueue: env.taskQueue, workflowId: uid('big-input'), args: [LIMIT + 100] });
    const err = await h.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const events = await eventsOf(h.workflowId);
    expect(events.map((e) => e.eventType)).not.toContain(ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    expect(events.at(-1)!.workflowExecutionTerminatedEventAttributes!.reason).toBe(
      'BadScheduleActivityAttributes: ScheduleActivityTaskCommandAttributes.Input exceeds size limit.',
    );
  });
});
