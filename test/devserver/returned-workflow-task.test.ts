/**
 * A workflow task handed back with its completion (RespondWorkflowTaskCompleted's `returnNewWorkflowTask`, as
 * Temporal's history service does it): when the completion schedules the run's next task — events arrived while the
 * worker ran the last one, or it forced one —, that task is started for the same worker in the completion's own
 * write and returned in its answer, never queued and never polled for. Through the real gRPC surface, then with the
 * real SDK worker, whose core asks for it whenever it caches the run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { DevServer } from '../../devserver/index';
import { queueKey } from '../../devserver/matching';
import { startBareServer, startEnv, uid, waitFor, type TestEnv } from './helpers';

const ET = temporal.api.enums.v1.EventType;
const CT = temporal.api.enums.v1.CommandType;
type Task = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

let server: DevServer;
let connection: Connection;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ server, connection, close } = await startBareServer('returned_task'));
});
afterAll(async () => {
  await close?.();
});

const svc = () => connection.workflowService;
const types = (task: Task | null | undefined) => (task?.history?.events ?? []).map((e) => e.eventType);

/** A started run with its first workflow task polled, and a signal that arrived while that task ran. */
async function firstTaskWithSignalMeanwhile() {
  const queue = `ret-${randomUUID().slice(0, 6)}`;
  const workflowId = `ret-${queue}`;
  const started = await svc().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'anything' }, taskQueue: { name: queue }, requestId: randomUUID() });
  const first = await svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'worker-a' });
  await svc().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId, runId: started.runId }, signalName: 'meanwhile', requestId: randomUUID() });
  return { queue, workflowId, runId: started.runId, first };
}

async function completeRun(taskToken: Uint8Array | null | undefined) {
  await svc().respondWorkflowTaskCompleted({
    namespace: 'default',
    taskToken,
    commands: [{ commandType: CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
}

describe('a workflow task handed back with the completion, through the gRPC surface', () => {
  it('asked for, the task the completion scheduled comes back started in the same write; nothing is queued, a waiting poller is not served', async () => {
    const { queue, workflowId, first } = await firstTaskWithSignalMeanwhile();
    const ns = await server.engine.namespace('default');
    const key = queueKey(ns.id, 'workflow', queue);
    const waiting = new AbortController();
    const otherPoll = connection
      .withAbortSignal(waiting.signal, () => svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'worker-b' }))
      .catch((e: unknown) => e);
    await waitFor(async () => server.engine.parked.waiting(key) === 1);

    const writesBefore = server.engine.writes.stats.writes;
    const done = await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, identity: 'worker-a', returnNewWorkflowTask: true });
    expect(server.engine.writes.stats.writes - writesBefore).toBe(1);
    const next = done.workflowTask!;
    expect(next.workflowExecution?.workflowId).toBe(workflowId);
    const events = next.history?.events ?? [];
    expect(events.at(-1)?.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    expect(events.at(-2)?.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    expect(events.at(-3)?.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    expect(events.at(-3)?.workflowExecutionSignaledEventAttributes?.signalName).toBe('meanwhile');
    expect(events.at(-1)?.workflowTaskStartedEventAttributes?.identity).toBe('worker-a');
    expect(Number(next.startedEventId)).toBe(Number(events.at(-1)?.eventId));
    expect(Number(next.previousStartedEventId)).toBe(Number(first.startedEventId));
    // Not queued, not handed to the poller that waits on the queue.
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(0);
    expect(server.engine.parked.waiting(key)).toBe(1);

    // The returned task is the run's task: its token completes the run.
    await completeRun(next.taskToken);
    const d = await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
    expect(d.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    waiting.abort();
    await otherPoll;
  });

  it('not asked for, the completion answers without a task and the next one is polled for as before', async () => {
    const { queue, first } = await firstTaskWithSignalMeanwhile();
    const done = await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, identity: 'worker-a' });
    expect(done.workflowTask).toBeNull();
    const ns = await server.engine.namespace('default');
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(1);
    const next = await svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'worker-b' });
    expect(types(next).slice(-3)).toEqual([ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
    expect(next.history?.events?.at(-1)?.workflowTaskStartedEventAttributes?.identity).toBe('worker-b');
    await completeRun(next.taskToken);
  });

  it('asked for with nothing new, the completion answers without a task and schedules none', async () => {
    const queue = `ret-${randomUUID().slice(0, 6)}`;
    const workflowId = `ret-${queue}`;
    await svc().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'anything' }, taskQueue: { name: queue }, requestId: randomUUID() });
    const first = await svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'worker-a' });
    const done = await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, identity: 'worker-a', returnNewWorkflowTask: true });
    expect(done.workflowTask).toBeNull();
    const d = await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
    expect(d.pendingWorkflowTask).toBeNull();
    const ns = await server.engine.namespace('default');
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(0);
  });

  it('a forced new task comes back too; from a sticky worker, with the history since its last task only', async () => {
    const queue = `ret-${randomUUID().slice(0, 6)}`;
    const sticky = `${queue}-sticky`;
    const workflowId = `ret-${queue}`;
    await svc().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'anything' }, taskQueue: { name: queue }, requestId: randomUUID() });
    // The sticky queue is live only while its worker polls it.
    const stickyPoll = new AbortController();
    const parkedOnSticky = connection
      .withAbortSignal(stickyPoll.signal, () => svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: sticky, kind: 2, normalName: queue }, identity: 'worker-a' }))
      .catch((e: unknown) => e);
    const first = await svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'worker-a' });
    const done = await svc().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: first.taskToken,
      identity: 'worker-a',
      stickyAttributes: { workerTaskQueue: { name: sticky, kind: 2, normalName: queue } },
      forceCreateNewWorkflowTask: true,
      returnNewWorkflowTask: true,
    });
    const next = done.workflowTask!;
    // From the event after the first task's started event: completed, scheduled (on the sticky queue), started.
    expect(types(next)).toEqual([ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
    expect(Number(next.history?.events?.[0].eventId)).toBe(Number(first.startedEventId) + 1);
    expect(next.history?.events?.[1].workflowTaskScheduledEventAttributes?.taskQueue?.name).toBe(sticky);
    await completeRun(next.taskToken);
    stickyPoll.abort();
    await parkedOnSticky;
  });
});

describe('with the real SDK worker', () => {
  let env: TestEnv;
  const polls = { answered: 0 };
  beforeAll(async () => {
    env = await startEnv('returned_task_sdk', {
      onRpc: (method, _ms, ok) => {
        if (method === 'PollWorkflowTaskQueue' && ok) polls.answered++;
      },
    });
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it('a signal that arrives while a task runs is taken in the task handed back with its completion, not polled for', async () => {
    const workflowId = uid('slow-start');
    const handle = await env.client.workflow.start('slowStartSignalCounter', { taskQueue: env.taskQueue, workflowId, args: [1_500, 1] });
    // The first task is running its local activity (1.5 s): the signal arrives meanwhile.
    await waitFor(async () => (await handle.fetchHistory()).events?.some((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED));
    const answeredBefore = polls.answered;
    await handle.signal('add', 5);
    expect(await handle.result()).toBe(5);

    const events = (await handle.fetchHistory()).events ?? [];
    const tasks = events.filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    expect(tasks).toHaveLength(2);
    const signaled = events.findIndex((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    const firstCompleted = events.findIndex((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    expect(signaled).toBeGreaterThan(firstCompleted); // buffered while the first task ran, written at its completion
    // The second task came back with the first's completion: no poll answered with it.
    expect(polls.answered - answeredBefore).toBe(0);
  }, 60_000);

  it('so does an update (a speculative task): accepted, or rejected by its validator without a trace in history', async () => {
    const workflowId = uid('slow-update');
    const handle = await env.client.workflow.start('slowStartUpdatable', { taskQueue: env.taskQueue, workflowId, args: [1_500] });
    await waitFor(async () => (await handle.fetchHistory()).events?.some((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED));
    const answeredBefore = polls.answered;
    // Both arrive while the first task runs its local activity; the task that delivers them comes back with its completion.
    const [accepted, rejected] = await Promise.allSettled([handle.executeUpdate('increment', { args: [4] }), handle.executeUpdate('increment', { args: [-1] })]);
    expect(accepted).toEqual({ status: 'fulfilled', value: 4 });
    expect(rejected.status).toBe('rejected');
    expect(polls.answered - answeredBefore).toBe(0);
    await handle.signal('done');
    expect(await handle.result()).toBe(4);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('negative increments are rejected');
  }, 60_000);

  it('a task handed back only to deliver an update the validator rejects is rolled back: no trace, and the run goes on', async () => {
    const workflowId = uid('slow-reject');
    const handle = await env.client.workflow.start('slowStartUpdatable', { taskQueue: env.taskQueue, workflowId, args: [1_500] });
    await waitFor(async () => (await handle.fetchHistory()).events?.some((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED));
    const answeredBefore = polls.answered;
    const err = await handle.executeUpdate('increment', { args: [-1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('negative increments are rejected');
    expect(polls.answered - answeredBefore).toBe(0);
    // The speculative task that carried it left nothing: one workflow task in history, no update event.
    const after = (await handle.fetchHistory()).events ?? [];
    expect(after.filter((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED)).toHaveLength(1);
    expect(after.some((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toBe(false);
    // The worker was told where history ends, and serves the run on from there.
    expect(await handle.executeUpdate('increment', { args: [7] })).toBe(7);
    await handle.signal('done');
    expect(await handle.result()).toBe(7);
  }, 60_000);
});
