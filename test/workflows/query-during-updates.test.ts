/**
 * Queries hammering a statechart workflow while updates are accepted and activities complete: XState `after`
 * timers are cancelled when an update (or an activity's completion) leaves their state. The engine worker must
 * survive: a query-only activation may never carry a command (core would shut the worker down with "Workflow
 * completion had a legacy query response along with other commands").
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../devserver/index';
import { goUpdate, queryDuringUpdates, stateQuery } from './query-during-updates-workflow';
import { setTimeout as sleep } from 'node:timers/promises';

const TASK_QUEUE = 'query-during-updates';
const WORKFLOWS = fileURLToPath(new URL('./query-during-updates-workflow.ts', import.meta.url));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('queries during updates and activity completions', () => {
  let server: DevServer;
  let connection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const workerErrors: string[] = [];
  let workerDied!: Promise<never>;
  let watch: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const level = (process.env.QDU_LOG as 'WARN' | undefined) ?? 'WARN';
    Runtime.install({
      // Core's "Malformed Workflow Completion ... Initiating Worker shutdown" is logged here first.
      logger: new DefaultLogger(level, (entry) => {
        if (entry.level === 'ERROR') workerErrors.push(`${entry.message} ${String((entry.meta as { error?: unknown })?.error ?? '')}`);
        else if (process.env.QDU_LOG) console.log(entry.level, entry.message);
      }),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} } },
    });
    server = await startDevServer({ port: 0, db: ':memory:', logger: quiet });
    connection = await NativeConnection.connect({ address: server.address });
    clientConnection = await Connection.connect({ address: server.address });
    client = new Client({ connection: clientConnection, namespace: 'default' });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: new DefaultLogger('WARN') });
    worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities: {
        async work(n: number) {
          await sleep(Math.floor(Math.random() * 8));
          return n + 1;
        },
      },
    });
    running = worker.run().catch((err) => void workerErrors.push(String(err)));
    // The worker's shutdown (core failing a completion) surfaces at once, not when it has drained.
    workerDied = new Promise<never>((_, reject) => {
      let since = 0;
      watch = setInterval(() => {
        if (worker.getState() === 'RUNNING' && !workerErrors.length) return;
        since ||= Date.now();
        // Give the logger a moment: the state changes before core's error is logged.
        if (workerErrors.length || Date.now() - since > 1_000) {
          reject(new Error(`engine worker ${worker.getState()}: ${workerErrors.join('; ') || 'shut down'}`));
        }
      }, 50);
    });
    workerDied.catch(() => undefined);
  });

  afterAll(async () => {
    clearInterval(watch);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    // A worker that core is shutting down may hang on its in-flight tasks: do not wait for it forever.
    await Promise.race([running, sleep(10_000)]);
    await connection?.close().catch(() => undefined); // still held by a worker that never finished draining
    await clientConnection?.close();
    await server?.stop();
  });

  it('keeps the engine worker alive and every case on its own timers', async () => {
    const CASES = 12;
    const ROUNDS = 8;
    // Every client call fails fast once the worker is gone (core shuts it down on the malformed completion).
    const guard = <T>(p: Promise<T>) => Promise.race([p, workerDied]);

    const deadline = Date.now() + 45_000;
    const lostQueries: string[] = [];
    // Query failures other than the worker's death are tolerated (and counted): a query racing the run's
    // completion may be dropped by core with the evicted run, and the devserver then times it out.
    const query = async (handle: WorkflowHandle<typeof queryDuringUpdates>) => {
      try {
        return await guard(handle.query(stateQuery));
      } catch (err) {
        if (workerErrors.length || worker.getState() !== 'RUNNING') throw err;
        lostQueries.push(String((err as Error).cause ?? err));
        return null;
      }
    };

    const runCase = async () => {
      const handle = await client.workflow.start(queryDuringUpdates, {
        taskQueue: TASK_QUEUE,
        workflowId: `qdu-${randomUUID()}`,
        args: [ROUNDS],
      });
      let finished = false;
      // A poller hammering the query while the case moves on (like the API and the bench polling case status).
      const hammer = (async () => {
        while (!finished) await query(handle);
      })();
      const driver = (async () => {
        try {
          for (let sent = 0; sent < ROUNDS; ) {
            const s = await query(handle);
            if (Date.now() > deadline) throw new Error(`${handle.workflowId} stuck after ${sent} updates: ${JSON.stringify(s)}`);
            if (s?.state === '"waiting"' && s.n === sent * 2) {
              await guard(handle.executeUpdate(goUpdate, { args: [sent] }));
              sent++;
            }
          }
          return await guard(
            Promise.race([
              handle.result(),
              new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${handle.workflowId} did not complete`)), 15_000)),
            ]),
          );
        } finally {
          finished = true;
        }
      })();
      const [result] = await Promise.all([driver, hammer]);
      return result;
    };

    const results = await Promise.all(Array.from({ length: CASES }, runCase));
    expect(workerErrors).toEqual([]);
    expect(results).toEqual(Array.from({ length: CASES }, () => ROUNDS * 2));
    if (lostQueries.length) console.warn(`${lostQueries.length} queries not answered:`, [...new Set(lostQueries)]);
  }, 90_000);
});
