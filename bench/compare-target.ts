/**
 * One contender of `npm run bench:compare`, in its own process so its CPU time is its own: the parent
 * (bench/compare.ts) forks it with the target and where to connect, then asks it over IPC to run workflows —
 * a batch at once, or one at a time — and measures the processes' CPU from outside.
 *
 *  - `dbos`: DBOS Transact in this process (the library is the whole engine; its state is in Postgres);
 *  - `sdk`: the Temporal SDK worker and client in this process, against a devserver process;
 *  - `protocol`: the protocol-level worker and the lean gRPC client in this process, against a devserver process.
 *
 * Every workflow's result is checked; a wrong or missing one fails the batch.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { workerGrpcCompression } from '../worker/temporal-connection';
import { EngineWorker } from '../worker/sandbox/engine-worker';
import * as activities from '../devserver/harness/activities';
import { LeanGrpcClient } from './lean-grpc-client';
import { ProtocolWorker } from './protocol-worker';
import { expectedThreeActivities, runThreeActivities, SDK_WORKER_TUNING, sdkContenderBundleOptions, sdkSandbox, sdkStartMode } from './three-activities';
import { timeAtWorker } from './measure';
import { wholeNumberEnv } from './env-options';

export type TargetName = 'dbos' | 'sdk' | 'protocol';

/** What the parent sends. */
export type TargetCommand = { cmd: 'batch'; prefix: string; n: number } | { cmd: 'sequence'; prefix: string; n: number } | { cmd: 'stop' };

/** What the child answers: latencies in ms (start to checked result) and, for `sdk`, time spent at the worker. */
export type TargetAnswer =
  | { ready: true }
  | { ok: true; seconds: number; latencies: number[]; atWorker?: number[] }
  | { ok: false; error: string };

interface Contender {
  run(workflowId: string, x: string): Promise<void>;
  /** Time a finished workflow spent at the worker (ms), when the target can tell it. */
  atWorker?(workflowId: string): Promise<number>;
  close(): Promise<void>;
}

function check(workflowId: string, x: string, got: unknown) {
  const json = JSON.stringify(got);
  if (json !== expectedThreeActivities(x)) throw new Error(`workflow ${workflowId} returned ${json}, expected ${expectedThreeActivities(x)}`);
}

/** node-postgres warns, once, that DBOS queues a query on a busy client: known, harmless here, and noise in the figures. */
function quietPgDeprecation() {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (!(w.name === 'DeprecationWarning' && w.message.includes('already executing a query'))) console.warn(w);
  });
}

async function dbosContender(systemDatabaseUrl: string): Promise<Contender> {
  quietPgDeprecation();
  const { launchDbos, runDbosWorkflow, shutdownDbos } = await import('./compare-dbos');
  await launchDbos(systemDatabaseUrl);
  return {
    run: async (id, x) => check(id, x, await runDbosWorkflow(id, x)),
    close: shutdownDbos,
  };
}

async function sdkContender(address: string): Promise<Contender> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  // As the engine's worker sets up its sandbox (bench/compare-workflows.ts), unless BENCH_COMPARE_SDK_SANDBOX=stock.
  const sandbox = sdkSandbox(process.env);
  const workflowBundle = await bundleWorkflowCode({
    ...sdkContenderBundleOptions(sandbox),
    logger: new DefaultLogger('ERROR'),
  });
  // As production connects (worker/temporal-connection.ts): no request compression on loopback.
  const nativeConnection = await NativeConnection.connect({ address, ...workerGrpcCompression({}, address) });
  const taskQueue = `compare-sdk-${randomUUID().slice(0, 6)}`;
  // The engine's set-up runs its workflows on the engine's workflow threads (worker/sandbox/), as the engine's worker.
  const WorkerClass = sandbox === 'engine' ? EngineWorker : Worker;
  const worker = await WorkerClass.create({ connection: nativeConnection, taskQueue, workflowBundle, activities, ...SDK_WORKER_TUNING });
  const mode = sdkStartMode(process.env);
  const eager = mode.eager;
  const grpcConnection = mode.client === 'grpc-js' ? await Connection.connect({ address }) : null;
  const client = new Client({ connection: grpcConnection ?? nativeConnection });
  const running = worker.run();
  return {
    run: async (id, x) => {
      const handle = await client.workflow.start('threeActivities', { taskQueue, workflowId: id, args: [x], requestEagerStart: eager });
      check(id, x, await handle.result());
    },
    atWorker: async (id) => timeAtWorker((await client.workflow.getHandle(id).fetchHistory()).events ?? []),
    close: async () => {
      worker.shutdown();
      await running;
      await grpcConnection?.close();
      await nativeConnection.close();
    },
  };
}

async function protocolContender(address: string): Promise<Contender> {
  const taskQueue = `compare-proto-${randomUUID().slice(0, 6)}`;
  const pollers = wholeNumberEnv(process.env, 'BENCH_PROTOCOL_POLLERS', 32);
  const worker = new ProtocolWorker({ address, taskQueue, workflowPollers: pollers, activityPollers: pollers });
  const rpc = new LeanGrpcClient(address);
  const identity = `compare-client-${process.pid}`;
  // Eager workflow start as the SDK contender's (BENCH_COMPARE_EAGER_START, default 1): the worker is in this process.
  const eager = sdkStartMode(process.env).eagerRequested;
  await worker.start();
  return {
    run: (id, x) => runThreeActivities(rpc, taskQueue, id, x, identity, eager ? worker : undefined),
    close: async () => {
      await worker.stop();
      await rpc.close();
    },
  };
}

async function serve(contender: Contender): Promise<void> {
  const send = (a: TargetAnswer) => process.send!(a);
  process.on('message', async (m: TargetCommand) => {
    if (m.cmd === 'stop') {
      await contender.close().catch(() => {});
      process.exit(0);
    }
    try {
      const latencies: number[] = [];
      const one = async (i: number) => {
        const s = performance.now();
        await contender.run(`${m.prefix}-${i}`, `${m.prefix}-${i}`);
        latencies.push(performance.now() - s);
      };
      const t0 = performance.now();
      if (m.cmd === 'batch') await Promise.all(Array.from({ length: m.n }, (_, i) => one(i)));
      else for (let i = 0; i < m.n; i++) await one(i);
      const seconds = (performance.now() - t0) / 1000;
      // Asked after the timing: reading histories is not part of the workflows' cost.
      const atWorker =
        m.cmd === 'sequence' && contender.atWorker ? await Promise.all(Array.from({ length: m.n }, (_, i) => contender.atWorker!(`${m.prefix}-${i}`))) : undefined;
      send({ ok: true, seconds, latencies, atWorker });
    } catch (e) {
      send({ ok: false, error: (e as Error).stack ?? String(e) });
    }
  });
  // The bench gone (however it went): the IPC channel closes, and this contender must not stay behind.
  process.once('disconnect', () => void contender.close().finally(() => process.exit(0)));
  send({ ready: true });
}

const [target, where] = process.argv.slice(2) as [TargetName, string];
const contenders: Record<TargetName, (where: string) => Promise<Contender>> = { dbos: dbosContender, sdk: sdkContender, protocol: protocolContender };
if (!contenders[target] || !where) {
  console.error('usage: compare-target.ts <dbos|sdk|protocol> <postgres-url|devserver-address>');
  process.exit(2);
}
await serve(await contenders[target](where));
