/**
 * Devserver authentication and authorization through the real gRPC surface: JWT bearer tokens in the
 * `authorization` metadata, Temporal's namespace roles (reader, writer, admin via `permissions`), and task-queue
 * scoping per worker identity: a worker may poll and answer only its own queues — a police worker can neither poll
 * the justice queue nor answer a justice task with a token it got hold of, nor read a case's history. With auth off
 * (every other devserver test) nothing is checked.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer, type DevServer } from '../../devserver/index';
import { openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { devServerAuth } from '../../worker/dev-credentials';
import { grpcCode } from './helpers';

let server: DevServer;
let open: DevServer;
let idp: DevIdentityProvider;
const connections: Connection[] = [];
const ET = temporal.api.enums.v1;

async function connect(apiKey?: string, address = server.address): Promise<Connection['workflowService']> {
  const c = await Connection.connect({ address, ...(apiKey ? { tls: false, apiKey } : {}) });
  connections.push(c);
  return c.workflowService;
}
const as = async (sub: string, permissions: string[]) => connect(await idp.temporalToken(sub, permissions));

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

beforeAll(async () => {
  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'ds-idp-')) });
  const quiet = { info() {}, warn() {}, error: console.error };
  const auth = { ...devServerAuth(idp), workerTaskQueues: { engine: ['engine'], police: ['agency-police'], justice: ['agency-justice'] } };
  server = await startDevServer({ db: ':memory:', port: 0, longPollTimeoutMs: 300, logger: quiet, auth });
  open = await startDevServer({ db: ':memory:', port: 0, longPollTimeoutMs: 300, logger: quiet });
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await server?.stop();
  await open?.stop();
});

describe('devserver authentication', () => {
  it('answers the health check to anyone, and everything else only with a valid token (UNAUTHENTICATED)', async () => {
    const anonymous = await connect();
    expect((await grpcCode(anonymous.getSystemInfo({}))).code).toBe(0);
    const missing = await grpcCode(anonymous.describeNamespace({ namespace: 'default' }));
    expect(missing).toMatchObject({ code: UNAUTHENTICATED });
    expect(missing.details).toMatch(/bearer token is required/);
    // A token for the HTTP API is not a token for the Temporal frontend.
    const apiToken = await connect(await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01')));
    expect(await grpcCode(apiToken.describeNamespace({ namespace: 'default' }))).toMatchObject({ code: UNAUTHENTICATED, details: expect.stringMatching(/another audience/) });
    const expired = await connect(await idp.temporalToken('api', ['default:write'], -120));
    expect(await grpcCode(expired.describeNamespace({ namespace: 'default' }))).toMatchObject({ code: UNAUTHENTICATED, details: expect.stringMatching(/expired/) });
  });

  it('applies namespace roles as Temporal\'s default authorizer: a reader reads, only a writer starts', async () => {
    const reader = await as('auditor', ['default:read']);
    expect((await grpcCode(reader.describeNamespace({ namespace: 'default' }))).code).toBe(0);
    const start = (svc: Connection['workflowService']) =>
      svc.startWorkflowExecution({ namespace: 'default', workflowId: `w-${randomUUID()}`, workflowType: { name: 'x' }, taskQueue: { name: 'roles-queue' }, requestId: randomUUID() });
    expect(await grpcCode(start(reader))).toMatchObject({ code: PERMISSION_DENIED });
    const otherNamespace = await as('api', ['other:write']);
    expect(await grpcCode(start(otherNamespace))).toMatchObject({ code: PERMISSION_DENIED });
    const writer = await as('api', ['default:write']);
    expect((await grpcCode(start(writer))).code).toBe(0);
    // Registering a namespace is the system admin's.
    expect(await grpcCode(writer.registerNamespace({ namespace: 'new-ns', workflowExecutionRetentionPeriod: { seconds: 86_400 as never } }))).toMatchObject({ code: PERMISSION_DENIED });
    const admin = await as('ops-admin', ['system:admin']);
    expect((await grpcCode(admin.registerNamespace({ namespace: 'new-ns', workflowExecutionRetentionPeriod: { seconds: 86_400 as never } }))).code).toBe(0);
  });

  it('lets nothing but a worker credential poll, and a worker only its own queues and methods', async () => {
    const writer = await as('api', ['default:write']);
    expect(await grpcCode(writer.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-police' } }))).toMatchObject({ code: PERMISSION_DENIED });
    const police = await as('worker:police', ['default:write']);
    expect((await grpcCode(police.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-police' } }))).code).toBe(0);
    for (const queue of ['agency-justice', 'engine']) {
      const denied = await grpcCode(police.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: queue } }));
      expect(denied).toMatchObject({ code: PERMISSION_DENIED, details: expect.stringContaining(`may not use task queue "${queue}"`) });
    }
    expect(await grpcCode(police.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'engine' } }))).toMatchObject({ code: PERMISSION_DENIED });
    // A worker credential cannot start, query or list cases either.
    const start = police.startWorkflowExecution({ namespace: 'default', workflowId: 'w-police', workflowType: { name: 'x' }, taskQueue: { name: 'roles-queue' }, requestId: randomUUID() });
    expect(await grpcCode(start)).toMatchObject({ code: PERMISSION_DENIED });
    expect(await grpcCode(police.listWorkflowExecutions({ namespace: 'default' }))).toMatchObject({ code: PERMISSION_DENIED });
    expect((await grpcCode(police.describeNamespace({ namespace: 'default' }))).code).toBe(0);
  });

  it('binds each task to its queue: another agency\'s worker cannot answer it, forge a token or read the run', async () => {
    const api = await as('api', ['default:write']);
    const engine = await as('worker:engine', ['default:write']);
    const justice = await as('worker:justice', ['default:write']);
    const police = await as('worker:police', ['default:write']);
    const workflowId = `case-${randomUUID()}`;
    const { runId } = await api.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'runProcedure' }, taskQueue: { name: 'engine' }, requestId: randomUUID() });
    const wft = await engine.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'engine' }, identity: 'engine-1' });
    expect(wft.workflowExecution?.runId).toBe(runId);
    // The engine worker pages through the history of the run it works on; a police worker may not read it.
    expect((await grpcCode(engine.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId, runId } }))).code).toBe(0);
    expect(await grpcCode(police.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId, runId } }))).toMatchObject({ code: PERMISSION_DENIED });
    await engine.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: wft.taskToken,
      commands: [
        {
          commandType: ET.CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityId: 'registerBirth',
            activityType: { name: 'registerBirth' },
            taskQueue: { name: 'agency-justice' },
            startToCloseTimeout: { seconds: 60 as never },
          },
        },
      ],
    });
    const task = await justice.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-justice' }, identity: 'justice-1' });
    expect(task.activityId).toBe('registerBirth');
    // The police worker got hold of the justice task's token: it may not answer with it.
    const stolen = await grpcCode(police.respondActivityTaskCompleted({ namespace: 'default', taskToken: task.taskToken }));
    expect(stolen).toMatchObject({ code: PERMISSION_DENIED, details: expect.stringContaining('may not use task queue "agency-justice"') });
    // Nor forge a plain token (the devserver's tokens are readable JSON).
    const plain = Buffer.from(JSON.stringify({ k: 'a', ns: 'x', wf: workflowId, run: runId, sched: 5, att: 1, aid: 'registerBirth' }));
    expect(await grpcCode(police.respondActivityTaskCompleted({ namespace: 'default', taskToken: plain }))).toMatchObject({ code: PERMISSION_DENIED });
    // Its own worker answers.
    expect((await grpcCode(justice.respondActivityTaskCompleted({ namespace: 'default', taskToken: task.taskToken }))).code).toBe(0);
    const history = await api.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId, runId } });
    expect(history.history?.events?.map((e) => e.eventType)).toContain(ET.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  });

  it('binds a workflow task handed back with a completion to the same queue: its worker answers it, another may not', async () => {
    const api = await as('api', ['default:write']);
    const engine = await as('worker:engine', ['default:write']);
    const police = await as('worker:police', ['default:write']);
    const workflowId = `case-${randomUUID()}`;
    const { runId } = await api.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'runProcedure' }, taskQueue: { name: 'engine' }, requestId: randomUUID() });
    // The queue is shared with the other tests' runs: take this run's task.
    let first = await engine.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'engine' }, identity: 'engine-1' });
    for (let polls = 1; first.workflowExecution?.runId !== runId && polls < 20; polls++) {
      first = await engine.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'engine' }, identity: 'engine-1' });
    }
    expect(first.workflowExecution?.runId).toBe(runId);
    await api.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId, runId }, signalName: 'meanwhile', requestId: randomUUID() });
    const done = await engine.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, identity: 'engine-1', returnNewWorkflowTask: true });
    const next = done.workflowTask!;
    expect(next.workflowExecution?.runId).toBe(runId);
    const complete = (svc: Connection['workflowService']) =>
      svc.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: next.taskToken,
        commands: [{ commandType: ET.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
      });
    expect(await grpcCode(complete(police))).toMatchObject({ code: PERMISSION_DENIED, details: expect.stringContaining('may not use task queue "engine"') });
    expect((await grpcCode(complete(engine))).code).toBe(0);
    const d = await api.describeWorkflowExecution({ namespace: 'default', execution: { workflowId, runId } });
    expect(d.workflowExecutionInfo?.status).toBe(ET.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });

  it('with authentication off, checks nothing', async () => {
    const anonymous = await connect(undefined, open.address);
    expect((await grpcCode(anonymous.describeNamespace({ namespace: 'default' }))).code).toBe(0);
    expect((await grpcCode(anonymous.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-justice' } }))).code).toBe(0);
  });
});
