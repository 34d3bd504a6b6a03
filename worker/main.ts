/**
 * Entry point: `npm run worker -- --agency <role[,role…]|all>`: `engine` or an agency of the list (agencies/index.ts).
 * Env: TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), DATABASE_URL (else PGlite dir
 * .data/registries), TEMPORAL_API_KEY, TEMPORAL_TLS (true to use TLS with system roots), TEMPORAL_TLS_CERT /
 * TEMPORAL_TLS_KEY (mTLS client certificate paths), TEMPORAL_TLS_CA (server CA path), TEMPORAL_TLS_SERVER_NAME,
 * PAYLOAD_KEYS / PAYLOAD_KEYS_FILE (payload encryption keys, docs/encryption.md; else .data/keys/payload-keys.json),
 * WORKER_METRICS_ADDRESS (host:port: serve the SDK's Prometheus metrics there; off when unset),
 * WORKER_MAX_CACHED_WORKFLOWS (the engine worker's workflow cache; the SDK's default when unset).
 * Shuts down gracefully on SIGINT/SIGTERM (the SDK stops polling and lets running tasks finish).
 */
import { parseArgs } from 'node:util';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { ensureKpiSnapshotSchedule } from './kpi-schedule';
import { describeTarget, parseDatabaseTarget } from '../db/connection';
import { openRegistriesDatabase } from '../db/registries-database';
import { createAgencyWorker, UnknownWorkerRoleError, WORKER_ROLES, type WorkerRole } from './agency-worker';
import { temporalConnectionOptions, workerGrpcCompression } from './temporal-connection';
import { dataConverterFromEnv } from './codec/data-converter';
import { surviveConnectionLoss } from '../db/connection-loss';
import { dropOutputToClosedPipe } from '../scripts/closed-output';
import { workerMetricsAddress, workerMetricsRuntimeOptions } from './worker-metrics';
import { engineTuningOptions } from './engine-tuning';

dropOutputToClosedPipe();
surviveConnectionLoss('worker');


async function main(): Promise<void> {
  const { values } = parseArgs({ options: { agency: { type: 'string', default: 'all' } } });
  const requested = values.agency ?? 'all';
  const roles: WorkerRole[] =
    requested === 'all' ? [...WORKER_ROLES] : (requested.split(',').map((r) => r.trim()) as WorkerRole[]);
  for (const r of roles) if (!WORKER_ROLES.includes(r)) throw new UnknownWorkerRoleError(r);

  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const workerOptions = engineTuningOptions(process.env);
  const { maxCachedWorkflows } = workerOptions;
  // Before the first connection: the SDK's runtime is made once, with it.
  const metricsAddress = workerMetricsAddress(process.env);
  if (metricsAddress) Runtime.install(workerMetricsRuntimeOptions(metricsAddress));
  const dataConverter = dataConverterFromEnv(process.env, 'A worker');
  const temporal = temporalConnectionOptions(process.env);
  const connection = await NativeConnection.connect({ ...temporal, ...workerGrpcCompression(process.env, temporal.address) });
  // Every worker needs the database: agencies for their registries, the engine for the read model.
  const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
  const opened = await openRegistriesDatabase(target);
  const db = opened.db;
  const close = () => opened.close();
  console.log(`registries: ${describeTarget(target)}`);
  const workers = await Promise.all(roles.map((agency) => createAgencyWorker({ agency, connection, dataConverter, namespace, db, workerOptions })));
  if (roles.includes('engine')) await ensureSchedule(namespace, dataConverter);
  if (roles.includes('engine')) {
    const engine = workers[roles.indexOf('engine')]!;
    console.log(`workflow threads: ${engine.options.workflowThreadPoolSize}`);
    if (maxCachedWorkflows !== undefined) console.log(`workflow cache: ${maxCachedWorkflows} workflows`);
  }
  if (metricsAddress) console.log(`worker metrics (Prometheus) at http://${metricsAddress}/metrics`);
  console.log(`workers running: ${roles.join(', ')} (namespace ${namespace}); Ctrl-C to stop`);
  try {
    // The SDK runtime installs SIGINT/SIGTERM handlers that shut every worker down; run() resolves then.
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await close();
    await connection.close();
  }
}

/** The engine's worker makes sure the daily KPI snapshot is scheduled (idempotent). */
async function ensureSchedule(namespace: string, dataConverter: DataConverter): Promise<void> {
  const clientConnection = await Connection.connect(temporalConnectionOptions(process.env));
  try {
    const r = await ensureKpiSnapshotSchedule(new Client({ connection: clientConnection, namespace, dataConverter }));
    console.log(`KPI snapshot schedule ${r.scheduleId} ${r.created ? 'created' : 'in place'}`);
  } catch (e) {
    console.warn(`KPI snapshot schedule not created: ${(e as Error).message}`);
  } finally {
    await clientConnection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
