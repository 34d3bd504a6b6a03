/**
 * Activity timeouts follow Temporal's defaults and validation: schedule-to-start defaults to schedule-to-close
 * (so an activity nobody picks up fails with ScheduleToStart), and a ScheduleActivityTask command with neither
 * start-to-close nor schedule-to-close fails the workflow task and is answered INVALID_ARGUMENT naming both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, type TestEnv } from './helpers';

const { temporal } = protoRoot;
const ET = temporal.api.enums.v1.EventType;
const CT = temporal.api.enums.v1.CommandType;
const CAUSE = temporal.api.enums.v1.WorkflowTaskFailedCause;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('activity-timeouts');
});
afterAll(async () => {
  await env?.close();
});

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;

describe('activity timeouts', () => {
  it('schedule-to-start defaults to schedule-to-close: an activity nobody polls times out ScheduleToStart', async () => {
    const h = await env.client.workflow.start('unpolledActivity', {
      taskQueue: env.taskQueue,
      workflowId: uid('s2s'),
      args: [uid('nobody'), 500],
    });
    expect(await h.result()).toBe('SCHEDULE_TO_START');
    const events = (await h.fetchHistory()).events!;
    const scheduled = events.find((e) => e.eventType === ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)!.activityTaskScheduledEventAttributes!;
    expect(seconds(scheduled.scheduleToStartTimeout)).toBe(0.5);
    expect(seconds(scheduled.scheduleToCloseTimeout)).toBe(0.5);
    expect(seconds(scheduled.startToCloseTimeout)).toBe(0.5);
    const timedOut = events.find((e) => e.eventType === ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)!.activityTaskTimedOutEventAttributes!;
    expect(timedOut.failure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
  });

  it('a command with neither start-to-close nor schedule-to-close fails the task and answers INVALID_ARGUMENT naming both', async () => {
    const taskQueue = uid('raw');
    const svc = env.connection.workflowService;
    const h = await env.client.workflow.start('threeActivities', { taskQueue, workflowId: uid('no-timeouts'), args: ['x'] });
    const poll = () => svc.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-worker' });
    const schedule = (attrs: Record<string, unknown>) => ({
      commandType: CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
      scheduleActivityTaskCommandAttributes: { activityId: '1', activityType: { name: 'echo' }, taskQueue: { name: taskQueue }, ...attrs },
    });
    const first = await poll();
    const err = await svc
      .respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, identity: 'raw-worker', commands: [schedule({})] })
      .catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(3); // INVALID_ARGUMENT
    expect(String((err as Error).message)).toMatch(/StartToClose or ScheduleToCloseTimeout is not set/);
    const failed = (await h.fetchHistory()).events!.find((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED)!;
    expect(failed.workflowTaskFailedEventAttributes!.cause).toBe(CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
    expect(failed.workflowTaskFailedEventAttributes!.failure?.message).toMatch(/StartToClose or ScheduleToCloseTimeout/);

    // The next attempt with only start-to-close: no schedule-to-start / schedule-to-close (the run has no timeout).
    const second = await poll();
    expect(second.attempt).toBe(2);
    await svc.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: second.taskToken,
      identity: 'raw-worker',
      commands: [schedule({ startToCloseTimeout: { seconds: 5 }, heartbeatTimeout: { seconds: 60 } })],
    });
    const attrs = (await h.fetchHistory()).events!.find((e) => e.eventType === ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)!
      .activityTaskScheduledEventAttributes!;
    expect(seconds(attrs.startToCloseTimeout)).toBe(5);
    expect(seconds(attrs.scheduleToStartTimeout)).toBe(0);
    expect(seconds(attrs.scheduleToCloseTimeout)).toBe(0);
    expect(seconds(attrs.heartbeatTimeout)).toBe(5); // never more than start-to-close
    await h.terminate('done');
  });
});
