/**
 * The engine's workflow threads (worker/sandbox/): one watchdog per activation instead of one per call into the
 * sandbox. On the real SDK worker and the devserver: a workflow that never yields is stopped after
 * isolateExecutionTimeout by this watchdog (its workflow task fails with the timeout, raised where the thread guards
 * the activation), the thread then runs other workflows, and the worker stays up; the engine's worker is built on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startDevServer, type DevServer } from '../../devserver/index';
import * as activities from '../../devserver/harness/activities';
import { EngineWorker } from '../../worker/sandbox/engine-worker';
import { freshDatabase, installRuntime, uid, waitFor, WORKFLOWS_PATH } from '../devserver/helpers';
import { startHarness, type Harness } from '../support/harness';

const EventType = temporal.api.enums.v1.EventType;
const quietLogger = { info() {}, warn() {}, error() {} };

describe('a workflow that never yields, on the engine’s workflow threads', () => {
  let server: DevServer;
  let dropDatabase: () => Promise<void>;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  let worker: EngineWorker;
  let running: Promise<void>;
  const taskQueue = `watchdog-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    installRuntime();
    const database = await freshDatabase('watchdog');
    dropDatabase = database.drop;
    server = await startDevServer({ db: database.db, port: 0, logger: quietLogger });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    nativeConnection = await NativeConnection.connect({ address: server.address });
    const options: WorkerOptions = {
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
      activities,
      // What this test is about: one thread, so the runaway and the next workflow share it.
      workflowThreadPoolSize: 1,
    };
    // A short watch: the SDK reads isolateExecutionTimeout (default 5 s) though its WorkerOptions type does not declare it.
    worker = await EngineWorker.create({ ...options, isolateExecutionTimeout: '500ms' } as WorkerOptions);
    running = worker.run();
  }, 60_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await connection?.close();
    await nativeConnection?.close();
    await server?.stop();
    await dropDatabase?.();
  });

  it('is stopped after isolateExecutionTimeout by the watchdog of its activation; the thread then runs other workflows', async () => {
    const runaway = await client.workflow.start('runaway', { taskQueue, workflowId: uid('runaway') });
    const failed = await waitFor(async () => {
      const { events } = await runaway.fetchHistory();
      return events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    }, 30_000);
    const failure = failed.workflowTaskFailedEventAttributes?.failure;
    // Stopped by the activation's one watchdog (worker/sandbox/workflow-thread.mjs), not by a call of the SDK's own.
    expect(failure?.message).toBe(
      "The workflow's activation ran for over 500 ms without yielding and was stopped (isolateExecutionTimeout; " +
        'a loop in workflow code?): Script execution timed out after 500ms',
    );

    // The runaway's task is retried and spins again; the same thread still runs another workflow between its tries.
    const result = await client.workflow.execute('sequence', { taskQueue, workflowId: uid('after-runaway'), args: [['a', 'b']] });
    expect(result).toEqual(['a', 'b']);
    expect((await runaway.describe()).status.name).toBe('RUNNING');
    await runaway.terminate('test over');

    // The worker is still running: its run() has neither resolved nor failed.
    const state = await Promise.race([running.then(() => 'ended', () => 'failed'), new Promise((r) => setTimeout(() => r('running'), 50))]);
    expect(state).toBe('running');
  }, 60_000);
});

describe('the engine’s worker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('runs its workflows on the engine’s workflow threads; the agencies’ workers run none', () => {
    expect(h.workers.get('engine')?.worker).toBeInstanceOf(EngineWorker);
    expect(h.workers.get('justice')?.worker).not.toBeInstanceOf(EngineWorker);
  });
});
