/**
 * The whole engine in one process: registries (migrated, seeded), the Temporal-compatible devserver unless a cluster
 * address is given, the engine's workflow worker and every agency's activity worker, and the API's case service.
 * Used by `npm start` and the benchmarks; configuration comes from the caller (env vars are read in entry points).
 */
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import type { DatabaseTarget } from '../db/connection';
import { openRegistriesDatabase, type RegistriesDatabase } from '../db/registries-database';
import { seedPopulation, type SeedResult } from '../db/seed';
import { wireCaseService, type ApiWiring } from '../api/wiring';
import { createAgencyWorker, WORKER_ROLES, WORKFLOWS_PATH } from '../worker/agency-worker';
import type { TemporalConnectionOptions } from '../worker/temporal-connection';
import { ensureKpiSnapshotSchedule } from '../worker/kpi-schedule';

export interface StackOptions {
  registries: DatabaseTarget;
  /** A Temporal frontend to use (address, TLS, API key); when absent an embedded devserver is started on `devserverDb`. */
  temporal?: TemporalConnectionOptions;
  devserverDb?: string | DatabaseTarget;
  devserverPort?: number;
  namespace?: string;
  seedPeople?: number;
  log?: (message: string) => void;
  /** Worker tuning, e.g. larger concurrency for benchmarks. */
  workerOptions?: Parameters<typeof createAgencyWorker>[0]['workerOptions'];
}

export interface Stack {
  temporalAddress: string;
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
  const database = await openRegistriesDatabase(opts.registries);
  const seeded = await seedPopulation(database.db, { people: opts.seedPeople ?? 10_000, onProgress: (m) => log(`seed: ${m}`) });
  log(`registries ready: ${seeded.total.persons} people, ${seeded.total.households} households`);

  let stopDevServer = async () => {};
  let temporal = opts.temporal;
  if (!temporal) {
    const { startDevServer } = await import('../devserver/index');
    const quiet = { info: () => {}, warn: (m: string) => log(`devserver: ${m}`), error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };
    const dev = await startDevServer({ port: opts.devserverPort ?? 0, db: opts.devserverDb ?? ':memory:', logger: quiet });
    temporal = { address: dev.address };
    stopDevServer = () => dev.stop();
    log(`Temporal devserver at ${dev.address}`);
  }

  const connection = await NativeConnection.connect(temporal);
  log('bundling workflow code and starting workers…');
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} } });
  const workers = await Promise.all(
    WORKER_ROLES.map((agency) =>
      createAgencyWorker({ agency, connection, namespace, db: database.db, workflowBundle, workerOptions: opts.workerOptions }),
    ),
  );
  const running = Promise.all(workers.map((w) => w.run())).then(() => {});
  log(`workers polling: ${WORKER_ROLES.join(', ')}`);
  const wiring = await wireCaseService({ db: database.db, temporal, namespace });
  await ensureKpiSnapshotSchedule(wiring.client).then(
    (r) => log(`KPI snapshot schedule ${r.scheduleId} ${r.created ? 'created' : 'in place'}`),
    // The devserver does not serve schedules yet: the snapshot then runs only when started by hand.
    (e: Error) => log(`KPI snapshot schedule not created: ${e.message}`),
  );

  let closed = false;
  return {
    temporalAddress: temporal.address,
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
      await wiring.close();
      await connection.close();
      await stopDevServer();
      await database.close();
    },
  };
}
