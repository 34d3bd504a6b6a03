/**
 * Sync match: a workflow task scheduled while a poller waits is started for that poller in the write that
 * scheduled it (no task row to claim afterwards), through the real gRPC surface; and the slot protocol that
 * keeps a reserved poller from walking away from a started task.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { DevServer } from '../../devserver/index';
import { queueKey } from '../../devserver/matching';
import { ParkedPollers } from '../../devserver/engine/sync-match';
import { dsTasks } from '../../devserver/storage/schema';
import { startBareServer, waitFor } from './helpers';

let server: DevServer;
let connection: Connection;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ server, connection, close } = await startBareServer('sync_match'));
});
afterAll(async () => {
  await close?.();
});

describe('sync match through the gRPC surface', () => {
  it('a start while a poller waits hands the task over in the start write itself; the token completes the run', async () => {
    const ns = await server.engine.namespace('default');
    const queue = `sync-${randomUUID().slice(0, 6)}`;
    const poll = connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'poller-1' });
    await waitFor(async () => server.engine.parked.waiting(queueKey(ns.id, 'workflow', queue)) === 1);

    const writesBefore = server.engine.writes.stats.writes;
    const started = await connection.workflowService.startWorkflowExecution({
      namespace: 'default',
      workflowId: `sync-${queue}`,
      workflowType: { name: 'anything' },
      taskQueue: { name: queue },
      requestId: randomUUID(),
    });
    const task = await poll;
    // One write: the start scheduled and started the task; no task row was queued and claimed.
    expect(server.engine.writes.stats.writes - writesBefore).toBe(1);
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(0);
    expect(await server.engine.db.select().from(dsTasks)).toEqual([]);
    expect(task.workflowExecution?.runId).toBe(started.runId);
    const types = (task.history?.events ?? []).map((e) => e.eventType);
    const ET = temporal.api.enums.v1.EventType;
    expect(types).toEqual([ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
    expect(task.history?.events?.[2].workflowTaskStartedEventAttributes?.identity).toBe('poller-1');

    await connection.workflowService.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: task.taskToken,
      commands: [{ commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    });
    const d = await connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: `sync-${queue}` } });
    expect(d.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });

  it('with nobody polling, the task is queued and a later poll claims it', async () => {
    const ns = await server.engine.namespace('default');
    const queue = `queued-${randomUUID().slice(0, 6)}`;
    await connection.workflowService.startWorkflowExecution({
      namespace: 'default',
      workflowId: `queued-${queue}`,
      workflowType: { name: 'anything' },
      taskQueue: { name: queue },
      requestId: randomUUID(),
    });
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(1);
    const task = await connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'late' });
    expect(task.history?.events?.at(-1)?.workflowTaskStartedEventAttributes?.identity).toBe('late');
    expect(server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(0);
  });
});

describe('poller slots', () => {
  const live = () => new AbortController().signal;

  it('the longest-waiting live poller is reserved; a cancelled or aborted one is skipped', async () => {
    const parked = new ParkedPollers();
    const gone = new AbortController();
    const a = parked.park('k', 'a', gone.signal);
    const b = parked.park('k', 'b', live());
    const c = parked.park('k', 'c', live());
    gone.abort();
    expect(b.cancel()).toBe(true);
    expect(await b.outcome).toBeNull();
    expect(parked.waiting('k')).toBe(1);
    expect(parked.reserve('k')).toBe(c);
    expect(parked.reserve('k')).toBeNull();
    expect(a.state).toBe('waiting');
  });

  it('a reserved poller cannot walk away: it takes the delivered task, or looks again when released', async () => {
    const parked = new ParkedPollers();
    const s1 = parked.park('k', 'p', live());
    expect(parked.reserve('k')).toBe(s1);
    expect(s1.cancel()).toBe(false);
    const task = { response: { taskToken: 'x' }, runId: 'r', scheduledEventId: 2 };
    s1.deliver(task);
    expect(await s1.outcome).toBe(task);
    expect(s1.cancel()).toBe(false);

    const s2 = parked.park('k', 'p', live());
    parked.reserve('k');
    s2.release();
    expect(await s2.outcome).toBeNull();
  });
});
