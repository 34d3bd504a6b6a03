/**
 * The whole engine in one process: registries (migrated, seeded), the Temporal-compatible devserver unless a cluster
 * address is given, the engine's workflow worker and every agency's activity worker, and the API's case service.
 * Used by `npm start` and the benchmarks; configuration comes from the caller (env vars are read in entry points).
 */
import type { Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import type { DatabaseTarget } from '../db/connection';
import type { RegistriesDatabase } from '../db/registries-database';
import { openSeededRegistries, type SeedResult } from '../db/seed';
import { wireCaseService, type ApiWiring } from './api-wiring';
import type { SimulationSession } from '../web/designer/simulation-jobs';
import { createAgencyWorker, WORKER_ROLES, engineBundleOptions, type WorkerRole } from '../worker/agency-worker';
import { workerGrpcCompression, type TemporalConnectionOptions } from '../worker/temporal-connection';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import { devCredential, devServerAuth, workerSubject } from '../worker/dev-credentials';

/** Worker and API credentials for the devserver live an hour and are renewed every half hour. */
const CREDENTIAL_RENEWAL_MS = 30 * 60_000;
import { ensureKpiSnapshotSchedule } from '../worker/kpi-schedule';

export interface StackOptions {
  registries: DatabaseTarget;
  /** A Temporal frontend to use (address, TLS, API key); when absent an embedded devserver is started on `devserverDb`. */
  temporal?: TemporalConnectionOptions;
  /** The workers' request compression (TEMPORAL_GRPC_COMPRESSION): gzip or none; else none on loopback, gzip elsewhere. */
  grpcCompression?: string;
  devserverDb?: string | DatabaseTarget;
  devserverPort?: number;
  namespace?: string;
  seedPeople?: number;
  log?: (message: string) => void;
  /**
   * The local identity provider: with it the embedded devserver authenticates every call and scopes task queues,
   * and each worker and the API's client get their own credential from it.
   */
  identity?: DevIdentityProvider;
  /** The payload codec of every worker and the API's client (worker/codec/data-converter.ts `createDataConverter`). */
  /** The designer pages' simulation engine (designer/engine-session.ts), given by `npm start`; none inside a simulation. */
  startSimulation?: () => Promise<SimulationSession>;
  dataConverter: DataConverter;
  /** Worker tuning, e.g. larger concurrency for benchmarks. */
  workerOptions?: Parameters<typeof createAgencyWorker>[0]['workerOptions'];
}

export interface Stack {
  temporalAddress: string;
  /** The data converter its workers and client share (payloads encrypted). */
  dataConverter: DataConverter;
  namespace: string;
  database: RegistriesDatabase;
  seeded: SeedResult;
  wiring: ApiWiring;
  workers: Worker[];
  /** Resolves when every worker has stopped (after SIGINT/SIGTERM or `close()`). */
  running: Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const namespace = opts.namespace ?? 'default';
  const { database, seeded } = await openSeededRegistries(opts.registries, { people: opts.seedPeople ?? 10_000, onProgress: (m) => log(`seed: ${m}`) });
  log(
    seeded.skipped
      ? 'registries ready (they hold data: not seeded, no register row changed)'
      : `registries seeded: ${seeded.total.persons} people, ${seeded.total.households} households`,
  );

  let stopDevServer = async () => {};
  let temporal = opts.temporal;
  if (!temporal) {
    const { startDevServer } = await import('../devserver/index');
    const quiet = { info: () => {}, warn: (m: string) => log(`devserver: ${m}`), error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };
    const auth = opts.identity && devServerAuth(opts.identity);
    const dev = await startDevServer({ port: opts.devserverPort ?? 0, db: opts.devserverDb ?? ':memory:', logger: quiet, auth });
    temporal = { address: dev.address };
    stopDevServer = () => dev.stop();
    log(`Temporal devserver at ${dev.address}`);
  }

  // With the local identity provider each worker connects with its own credential, renewed before it expires.
  const identity = opts.temporal ? undefined : opts.identity;
  const renewals: (() => Promise<void>)[] = [];
  const credential = async (sub: string, apply: (token: string) => Promise<void> | void) => {
    if (!identity) return {};
    renewals.push(async () => apply((await devCredential(identity, sub, namespace)).apiKey));
    return devCredential(identity, sub, namespace);
  };
  const connections = new Map<WorkerRole, NativeConnection>();
  const compression = workerGrpcCompression({ TEMPORAL_GRPC_COMPRESSION: opts.grpcCompression }, temporal.address);
  for (const role of identity ? WORKER_ROLES : WORKER_ROLES.slice(0, 1)) {
    const conn = await NativeConnection.connect({ ...temporal, ...compression, ...(await credential(workerSubject(role), (t) => conn.setApiKey(t))) });
    connections.set(role, conn);
  }
  const connectionOf = (role: WorkerRole) => connections.get(role) ?? connections.get(WORKER_ROLES[0])!;
  log('bundling workflow code and starting workers…');
  const workflowBundle = await bundleWorkflowCode({ ...engineBundleOptions(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} } });
  const workers = await Promise.all(
    WORKER_ROLES.map((agency) =>
      createAgencyWorker({ agency, connection: connectionOf(agency), dataConverter: opts.dataConverter, namespace, db: database.db, workflowBundle, workerOptions: opts.workerOptions }),
    ),
  );
  const running = Promise.all(workers.map((w) => w.run())).then(() => {});
  log(`workers polling: ${WORKER_ROLES.join(', ')}`);
  const wiring = await wireCaseService({ db: database.db, temporal: { ...temporal, ...(await credential('api', (t) => (wiring.client.connection as Connection).setApiKey(t))) }, namespace, dataConverter: opts.dataConverter, startSimulation: opts.startSimulation });
  const renewal = setInterval(() => {
    for (const renew of renewals) renew().catch((e) => log(`credential renewal failed: ${(e as Error).message}`));
  }, CREDENTIAL_RENEWAL_MS);
  renewal.unref();
  await ensureKpiSnapshotSchedule(wiring.client).then(
    (r) => log(`KPI snapshot schedule ${r.scheduleId} ${r.created ? 'created' : 'in place'}`),
    (e: Error) => log(`KPI snapshot schedule not created: ${e.message}`),
  );

  let closed = false;
  return {
    temporalAddress: temporal.address,
    dataConverter: opts.dataConverter,
    namespace,
    database,
    seeded,
    wiring,
    workers,
    running,
    async close() {
      if (closed) return;
      closed = true;
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
      clearInterval(renewal);
      await wiring.close();
      for (const conn of connections.values()) await conn.close();
      await stopDevServer();
      await database.close();
    },
  };
}
