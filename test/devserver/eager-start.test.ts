/**
 * Eager workflow start, as Temporal's: a start that asks for it (`requestEagerStart`) gets the new run's first
 * workflow task in the start's own answer, started in the start's write, and the SDK hands it to the worker that
 * shares the client's connection — no poll, no dispatch. Declined (the task is queued as usual) for an existing
 * run, a start delay, a repeated request id; with authentication on, handed only to a caller that may poll the
 * queue.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../devserver/index';
import { dsTasks } from '../../devserver/storage/schema';
import { openDevIdentityProvider } from '../../identity/dev-identity-provider';
import { devServerAuth } from '../../worker/dev-credentials';
import { startEnv, uid, type TestEnv } from './helpers';

const ET = temporal.api.enums.v1.EventType;
const complete = [{ commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }];

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('eager');
});
afterAll(async () => {
  await env?.close();
});

describe('eager workflow start with the SDK', () => {
  it('the namespace and the system say the capability is there', async () => {
    const info = await env.connection.workflowService.getSystemInfo({});
    expect(info.capabilities?.eagerWorkflowStart).toBe(true);
    const ns = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.capabilities?.eagerWorkflowStart).toBe(true);
  });

  it('a client on the worker\'s connection starts eagerly: the worker runs the first task from the start answer', async () => {
    const client = new Client({ connection: env.nativeConnection });
    const workflowId = uid('eager');
    const ns = await env.server.engine.namespace('default');
    const writesBefore = env.server.engine.writes.stats.writes;
    const handle = await client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId, args: ['e'], requestEagerStart: true });
    expect(handle.eagerlyStarted).toBe(true);
    // Started in the start's write: nothing was queued for a poller to claim.
    expect(env.server.engine.tasks.size(ns.id, 'workflow', env.taskQueue)).toBe(0);
    expect(await handle.result()).toEqual(['e-0', 'e-1', 'e-2']);
    expect(env.server.engine.writes.stats.writes).toBeGreaterThan(writesBefore);

    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.slice(0, 3).map((e) => e.eventType)).toEqual([
      ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(events.at(-1)?.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('without the request, or from a client on another connection, the start is not eager and still runs', async () => {
    const plain = await env.client.workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('plain'), args: ['p'] });
    expect(plain.eagerlyStarted).toBe(false);
    expect(await plain.result()).toEqual(['p-0', 'p-1', 'p-2']);
    // A client whose native connection has no worker of that queue does not ask (the SDK reserves a worker slot first).
    const other = await NativeConnection.connect({ address: env.server.address });
    try {
      const remote = await new Client({ connection: other }).workflow.start('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('remote'), args: ['r'], requestEagerStart: true });
      expect(remote.eagerlyStarted).toBe(false);
      expect(await remote.result()).toEqual(['r-0', 'r-1', 'r-2']);
    } finally {
      await other.close();
    }
  });
});

describe('eager workflow start through the gRPC surface', () => {
  const svc = () => env.connection.workflowService;
  const start = (queue: string, workflowId: string, extra: Record<string, unknown> = {}) =>
    svc().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'anything' }, taskQueue: { name: queue }, requestId: randomUUID(), identity: 'starter-1', requestEagerExecution: true, ...extra });

  it('answers the start with the started first task; its token completes the run', async () => {
    const queue = uid('raw');
    const ns = await env.server.engine.namespace('default');
    const started = await start(queue, uid('raw-wf'));
    const task = started.eagerWorkflowTask!;
    expect(task.workflowExecution?.runId).toBe(started.runId);
    expect((task.history?.events ?? []).map((e) => e.eventType)).toEqual([
      ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(task.history?.events?.[2].workflowTaskStartedEventAttributes?.identity).toBe('starter-1');
    expect(Number(task.startedEventId)).toBe(3);
    expect(env.server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(0);
    expect((await env.server.engine.db.select().from(dsTasks)).filter((t) => t.taskQueue === queue)).toEqual([]);
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: complete });
    const d = await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: task.workflowExecution?.workflowId } });
    expect(d.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });

  it('declines for a delayed first task, a repeated request id and an existing run: the task is queued', async () => {
    const ns = await env.server.engine.namespace('default');
    const delayedQueue = uid('delayed');
    const delayed = await start(delayedQueue, uid('delayed-wf'), { workflowStartDelay: { seconds: 3600 } });
    expect(delayed.eagerWorkflowTask).toBeFalsy();
    expect(env.server.engine.tasks.size(ns.id, 'workflow', delayedQueue)).toBe(0); // nothing before the delay

    const queue = uid('again');
    const workflowId = uid('again-wf');
    const requestId = randomUUID();
    const first = await svc().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'anything' }, taskQueue: { name: queue }, requestId });
    expect(first.eagerWorkflowTask).toBeFalsy();
    expect(env.server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(1);
    const repeated = await start(queue, workflowId, { requestId });
    expect(repeated.runId).toBe(first.runId);
    expect(repeated.eagerWorkflowTask).toBeFalsy();
    const existing = await start(queue, workflowId, { workflowIdConflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING });
    expect(existing).toMatchObject({ runId: first.runId, started: false });
    expect(existing.eagerWorkflowTask).toBeFalsy();
    // The queued task is still there, for a poller.
    expect(env.server.engine.tasks.size(ns.id, 'workflow', queue)).toBe(1);
    const polled = await svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'poller' });
    expect(polled.workflowExecution?.runId).toBe(first.runId);
  });
});

describe('eager workflow start with authentication on', () => {
  let server: DevServer;
  const connections: Connection[] = [];
  beforeAll(async () => {
    const idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'ds-eager-idp-')) });
    const auth = { ...devServerAuth(idp), workerTaskQueues: { engine: ['engine'] } };
    server = await startDevServer({ db: ':memory:', port: 0, longPollTimeoutMs: 300, logger: { info() {}, warn() {}, error: console.error }, auth });
    for (const [sub, perms] of [['api', ['default:write']], ['ops-admin', ['system:admin']], ['worker:engine', ['default:write']]] as const) {
      connections.push(await Connection.connect({ address: server.address, tls: false, apiKey: await idp.temporalToken(sub, [...perms]) }));
    }
  });
  afterAll(async () => {
    for (const c of connections) await c.close();
    await server?.stop();
  });
  const startOn = (c: Connection) =>
    c.workflowService.startWorkflowExecution({ namespace: 'default', workflowId: uid('auth-wf'), workflowType: { name: 'anything' }, taskQueue: { name: 'engine' }, requestId: randomUUID(), requestEagerExecution: true });

  it('declines for a caller that may not poll the queue, hands a bound task to one that may, refuses a worker', async () => {
    const [api, admin, engineWorker] = connections;
    const ns = await server.engine.namespace('default');
    // The API's credential starts workflows but polls nothing: the start succeeds, its task is queued.
    const declined = await startOn(api);
    expect(declined.started).toBe(true);
    expect(declined.eagerWorkflowTask).toBeFalsy();
    expect(server.engine.tasks.size(ns.id, 'workflow', 'engine')).toBe(1);
    // A system admin may poll any queue: it gets the task, with a token the devserver bound to the queue.
    const eager = await startOn(admin);
    const token = eager.eagerWorkflowTask?.taskToken;
    expect(token?.length).toBeGreaterThan(0);
    await admin.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: token, commands: complete });
    const d = await admin.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: eager.eagerWorkflowTask?.workflowExecution?.workflowId } });
    expect(d.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    // A worker credential still may not start a workflow, eager or not.
    await expect(startOn(engineWorker)).rejects.toMatchObject({ code: 7 });
  });
});
