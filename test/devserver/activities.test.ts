/** Point 5: activity retries, timeouts, heartbeats, cancellation, completion by token and by id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityNotFoundError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import * as activities from '../../devserver/harness/activities';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';
import type { FailureSummary } from '../../devserver/harness/workflows';

 
const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('activities');
});
afterAll(async () => {
  await env?.close();
});

const run = <T>(type: string, args: unknown[]) =>
  env.client.workflow.execute(type, { taskQueue: env.taskQueue, workflowId: uid(type), args }) as Promise<T>;

describe('retries', () => {
  it('retries to success, counting attempts', async () => {
    const key = uid('flaky');
    expect(await run<number>('retryToSuccess', [key, 2])).toBe(3);
    expect(activities.calls.get(key)).toBe(3);
  });

  it('retries to exhaustion (maximum attempts)', async () => {
    const key = uid('exhaust');
    const s = await run<FailureSummary>('retryExhausted', [key]);
    expect(s.type).toBe('ActivityFailure');
    expect(s.causeMessage).toBe('flaky failure 3');
    expect(s.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activities.calls.get(key)).toBe(3);
  });

  it('does not retry non-retryable failures (flag and error type)', async () => {
    const k1 = uid('nr-flag');
    const s1 = await run<FailureSummary>('nonRetryable', [k1, 'flag']);
    expect(s1.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(activities.calls.get(k1)).toBe(1);
    const k2 = uid('nr-type');
    const s2 = await run<FailureSummary>('nonRetryable', [k2, 'type']);
    expect(s2.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(s2.causeMessage).toBe('fatal (FatalError)');
    expect(activities.calls.get(k2)).toBe(1);
  });

  it('describe shows the pending activity with attempt and last failure', async () => {
    const key = uid('slow');
    const h = await env.client.workflow.start('slowRetry', { taskQueue: env.taskQueue, workflowId: key, args: [key] });
    const d = await waitFor(async () => {
      const x = await h.describe();
      return x.raw.pendingActivities?.[0]?.attempt === 2 ? x : null;
    });
    const pa = d.raw.pendingActivities![0];
    expect(pa.activityType?.name).toBe('flaky');
    expect(pa.lastFailure?.message).toBe('flaky failure 1');
    expect(pa.state).toBe(proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    await h.terminate();
  });
});

describe('timeouts', () => {
  it('start-to-close (retried, then final)', async () => {
    const key = uid('stc');
    const s = await run<FailureSummary>('activityTimeout', ['startToClose', key]);
    expect(s.causeType).toBe('TimeoutFailure');
    expect(s.timeoutType).toBe('START_TO_CLOSE');
    expect(s.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activities.calls.get(key)).toBe(2);
  });

  it('schedule-to-close', async () => {
    const s = await run<FailureSummary>('activityTimeout', ['scheduleToClose', uid('s2c')]);
    expect(s.causeType).toBe('TimeoutFailure');
    expect(s.timeoutType).toBe('SCHEDULE_TO_CLOSE');
    expect(s.retryState).toBe('TIMEOUT');
  });

  it('schedule-to-start', async () => {
    const s = await run<FailureSummary>('activityTimeout', ['scheduleToStart', uid('s2s')]);
    expect(s.causeType).toBe('TimeoutFailure');
    expect(s.timeoutType).toBe('SCHEDULE_TO_START');
  });

  it('heartbeat', async () => {
    const key = uid('hb');
    const s = await run<FailureSummary>('activityTimeout', ['heartbeat', key]);
    expect(s.causeType).toBe('TimeoutFailure');
    expect(s.timeoutType).toBe('HEARTBEAT');
    expect(activities.calls.get(key)).toBe(2);
  });
});

describe('heartbeats and completion', () => {
  it('hands the heartbeat details to the next attempt', async () => {
    const key = uid('resume');
    const r = await run<{ resumedFrom: number; total: number }>('heartbeatResume', [key]);
    expect(r.resumedFrom).toBe(3);
    expect(activities.calls.get(`${key}:resumedFrom:1`)).toBe(0);
  });

  it('completes asynchronously by task token; a stale token is NOT_FOUND', async () => {
    const key = uid('async');
    const h = await env.client.workflow.start('asyncActivity', { taskQueue: env.taskQueue, workflowId: key, args: [key, false] });
    const token = await waitFor(async () => activities.tokens.get(key));
    await env.client.activity.complete(token, 'done by token');
    expect(await h.result()).toBe('done by token');
    await expect(env.client.activity.complete(token, 'again')).rejects.toBeInstanceOf(ActivityNotFoundError);
    const hist = await h.fetchHistory();
    const t = hist.events!.map((e) => Number(e.eventType));
    expect(t.filter((x) => x === ET.EVENT_TYPE_ACTIVITY_TASK_STARTED).length).toBe(1);
    expect(t.filter((x) => x === ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length).toBe(1);
  });

  it('completes and fails by activity id', async () => {
    const key = uid('byid');
    const h = await env.client.workflow.start('asyncActivity', { taskQueue: env.taskQueue, workflowId: key, args: [key, false] });
    await waitFor(async () => activities.tokens.get(key));
    await env.client.activity.heartbeat({ workflowId: key, activityId: '1' }, 'beat');
    await env.client.activity.complete({ workflowId: key, activityId: '1' }, 'done by id');
    expect(await h.result()).toBe('done by id');

    const key2 = uid('byid-fail');
    const h2 = await env.client.workflow.start('asyncActivity', { taskQueue: env.taskQueue, workflowId: key2, args: [key2, false] });
    await waitFor(async () => activities.tokens.get(key2));
    await env.client.activity.fail({ workflowId: key2, activityId: '1' }, new Error('failed by id'));
    const err = await h2.result().catch((e) => e);
    expect(err.cause?.cause?.message).toBe('failed by id');
    await expect(env.client.activity.complete({ workflowId: key2, activityId: '1' }, 'late')).rejects.toBeInstanceOf(ActivityNotFoundError);
  });
});
