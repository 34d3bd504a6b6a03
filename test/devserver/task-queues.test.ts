/**
 * Operator RPCs with the real SDK: DescribeTaskQueue lists recent pollers of the workflow and activity queues
 * (and none for a queue nobody polls, with its backlog and the backlog's age), ResetActivity retries a step waiting for a long backoff now, and
 * DeleteWorkflowExecution removes a run (terminating it first when it is running).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protoRoot from '@temporalio/proto';
import * as activities from '../../devserver/harness/activities';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';
import { setTimeout as sleep } from 'node:timers/promises';

const proto = protoRoot as any;
const TQT = proto.temporal.api.enums.v1.TaskQueueType;
const ET = proto.temporal.api.enums.v1.EventType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('taskqueues');
});
afterAll(async () => {
  await env?.close();
});

const describeQueue = (name: string, taskQueueType: number) =>
  env.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name }, taskQueueType });

describe('DescribeTaskQueue', () => {
  it('lists the pollers of the workflow and activity queues', async () => {
    // Make sure the worker polled both queues at least once.
    const h = await env.client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('tq'), args: ['x'] });
    await h.result();
    for (const type of [TQT.TASK_QUEUE_TYPE_WORKFLOW, TQT.TASK_QUEUE_TYPE_ACTIVITY]) {
      const r = await describeQueue(env.taskQueue, type);
      expect(r.pollers?.length).toBeGreaterThanOrEqual(1);
      const p = r.pollers![0];
      expect(p.identity).toBeTruthy();
      const last = Number(p.lastAccessTime?.seconds) * 1000;
      expect(Math.abs(Date.now() - last)).toBeLessThan(60_000);
    }
    // Unspecified type = workflow.
    expect((await describeQueue(env.taskQueue, TQT.TASK_QUEUE_TYPE_UNSPECIFIED)).pollers?.length).toBeGreaterThanOrEqual(1);
  });

  it('reports no pollers for a queue nobody polls, and its backlog', async () => {
    const queue = uid('nobody');
    await env.client.workflow.start('threeActivities', { taskQueue: queue, workflowId: uid('orphan'), args: ['x'] });
    const r = await env.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      taskQueueType: TQT.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
      includeTaskQueueStatus: true,
    });
    expect(r.pollers ?? []).toEqual([]);
    expect(Number(r.stats?.approximateBacklogCount)).toBe(1);
    expect(Number(r.taskQueueStatus?.backlogCountHint)).toBe(1);
    // The backlog's age: how long the task at its head has waited, growing while nobody polls.
    const ageMs = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6;
    const first = ageMs(r.stats?.approximateBacklogAge);
    await sleep(1100);
    const later = await env.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: queue }, taskQueueType: TQT.TASK_QUEUE_TYPE_WORKFLOW, reportStats: true });
    expect(first).toBeGreaterThanOrEqual(0);
    expect(ageMs(later.stats?.approximateBacklogAge)).toBeGreaterThanOrEqual(first + 1000);
    // A queue with nothing waiting has no backlog age.
    const idle = await env.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: uid('empty') }, taskQueueType: TQT.TASK_QUEUE_TYPE_WORKFLOW, reportStats: true });
    expect(ageMs(idle.stats?.approximateBacklogAge)).toBe(0);
  });

  it('enhanced mode reports pollers per task queue type', async () => {
    const r = await env.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: env.taskQueue },
      apiMode: proto.temporal.api.enums.v1.DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
      taskQueueTypes: [TQT.TASK_QUEUE_TYPE_WORKFLOW, TQT.TASK_QUEUE_TYPE_ACTIVITY],
      reportPollers: true,
    });
    const types = r.versionsInfo?.['']?.typesInfo ?? {};
    expect(types[TQT.TASK_QUEUE_TYPE_WORKFLOW]?.pollers?.length).toBeGreaterThanOrEqual(1);
    expect(types[TQT.TASK_QUEUE_TYPE_ACTIVITY]?.pollers?.length).toBeGreaterThanOrEqual(1);
  });
});

describe('ResetActivity', () => {
  it('an activity waiting for a one-hour retry backoff runs again now, as attempt 1', async () => {
    const key = uid('backoff');
    const h = await env.client.workflow.start('longBackoff', { taskQueue: env.taskQueue, workflowId: uid('reset-act'), args: [key] });
    const pending = await waitFor(async () => {
      const d = await h.describe();
      const a = d.raw.pendingActivities?.[0];
      return a && a.attempt === 2 ? a : null;
    });
    expect(pending.lastFailure?.message).toContain('flaky failure 1');
    await env.client.workflowService.resetActivity({ namespace: 'default', execution: { workflowId: h.workflowId }, id: pending.activityId });
    // flaky returns the attempt it ran as.
    expect(await h.result()).toBe(1);
    expect(activities.calls.get(key)).toBe(2);
  });

  it('a running activity is told through its heartbeat; the worker stops it and it runs again as attempt 1', async () => {
    const key = uid('running');
    const h = await env.client.workflow.start('resetWhileRunning', { taskQueue: env.taskQueue, workflowId: uid('reset-running'), args: [key] });
    const pending = await waitFor(async () => {
      const d = await h.describe();
      const a = d.raw.pendingActivities?.[0];
      return a && a.lastHeartbeatTime ? a : null;
    });
    expect(pending.attempt).toBe(1);
    // Without a reset flag in the heartbeat answer, the attempt would run to its 60 s start-to-close timeout.
    await env.client.workflowService.resetActivity({ namespace: 'default', execution: { workflowId: h.workflowId }, id: pending.activityId });
    expect(await h.result()).toBe(1);
    expect(activities.calls.get(key)).toBe(2);
    const failed = (await h.fetchHistory()).events?.find((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toBeUndefined(); // the reset attempt is retried, not recorded as the activity's failure
  });

  it('unknown activity → NOT_FOUND', async () => {
    const h = await env.client.workflow.start('waitPing', { taskQueue: env.taskQueue, workflowId: uid('reset-act-nf') });
    await expect(
      env.client.workflowService.resetActivity({ namespace: 'default', execution: { workflowId: h.workflowId }, id: 'nope' }),
    ).rejects.toMatchObject({ code: 5 });
    await h.terminate();
  });
});

describe('DeleteWorkflowExecution', () => {
  it('removes a closed run: history, describe and visibility are gone', async () => {
    const h = await env.client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('del'), args: ['d'] });
    await h.result();
    await env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: h.workflowId } });
    await expect(h.describe()).rejects.toThrow();
    await expect(h.fetchHistory()).rejects.toThrow();
    const listed = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${h.workflowId}'` })) listed.push(w);
    expect(listed).toEqual([]);
    // The id can be used again.
    const again = await env.client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: h.workflowId, args: ['e'] });
    expect(await again.result()).toBeTruthy();
  });

  it('terminates a running run first, then removes it', async () => {
    const h = await env.client.workflow.start('waitPing', { taskQueue: env.taskQueue, workflowId: uid('del-running') });
    await waitFor(async () => (await h.fetchHistory()).events?.some((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
    await env.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: h.workflowId, runId: h.firstExecutionRunId },
    });
    await expect(h.describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
    await expect(
      env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: h.workflowId } }),
    ).rejects.toMatchObject({ code: 5 });
  });
});
