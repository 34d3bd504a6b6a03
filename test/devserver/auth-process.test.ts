/**
 * `npm run devserver` in its own process with authentication given on its command line, as bench:scale starts it
 * (worker/dev-credentials.ts `devServerAuthArgs`: the local identity provider's issuer and keys, each worker role's
 * task queue, the task-token key file): it authenticates every call, scopes task queues per worker credential, and
 * — the key file kept — a task handed out before a restart can still be answered after it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { spawnService, type ServiceProcess } from '../../bench/services';
import { openDevIdentityProvider } from '../../identity/dev-identity-provider';
import { taskQueueOf } from '../../worker/agency-worker';
import { devCredential, devServerAuthArgs, workerSubject } from '../../worker/dev-credentials';
import { freePort, grpcCode } from './helpers';

const ET = temporal.api.enums.v1;
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const dirs: string[] = [];
const connections: Connection[] = [];
let server: ServiceProcess | undefined;

afterAll(async () => {
  for (const c of connections) await c.close().catch(() => {});
  await server?.stop(10_000);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('devserver process with authentication from its command line', () => {
  it('authenticates, scopes task queues per worker, and answers after a restart a task handed out before it', { timeout: 180_000 }, async () => {
    const tmp = (prefix: string) => {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    };
    const identity = await openDevIdentityProvider({ dir: tmp('ds-process-idp-') });
    const dataDir = tmp('ds-process-data-');
    const port = await freePort();
    const start = () =>
      spawnService({
        name: 'devserver',
        script: 'devserver/main.ts',
        args: ['--port', String(port), '--db', dataDir, '--long-poll-ms', '2000', ...devServerAuthArgs(identity)],
        env: { DATABASE_URL: '' },
        readyText: 'ready at',
      });
    const connect = async (subject?: string) => {
      const credential = subject ? await devCredential(identity, subject, 'default') : {};
      const c = await Connection.connect({ address: `127.0.0.1:${port}`, ...credential });
      connections.push(c);
      return c.workflowService;
    };

    server = await start();
    const anonymous = await connect();
    expect(await grpcCode(anonymous.describeNamespace({ namespace: 'default' }))).toMatchObject({ code: UNAUTHENTICATED });

    const api = await connect('api');
    const workflowId = `wf-${randomUUID()}`;
    const queue = taskQueueOf('engine');
    const { runId } = await api.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'x' }, taskQueue: { name: queue }, requestId: randomUUID() });
    const police = await connect(workerSubject('police'));
    expect(await grpcCode(police.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue } }))).toMatchObject({ code: PERMISSION_DENIED });
    const engine = await connect(workerSubject('engine'));
    const task = await engine.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'engine-1' });
    expect(task.workflowExecution?.runId).toBe(runId);

    await server.stop(10_000);
    server = await start();

    // The task token was bound to its queue with the key of --task-token-secret, which the new process reads too.
    const engineAgain = await connect(workerSubject('engine'));
    const complete = { commandType: ET.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };
    expect(await grpcCode(engineAgain.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, identity: 'engine-1', commands: [complete] }))).toEqual({ code: 0, details: '' });
    const described = await (await connect('api')).describeWorkflowExecution({ namespace: 'default', execution: { workflowId, runId } });
    expect(described.workflowExecutionInfo?.status).toBe(ET.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });
});
