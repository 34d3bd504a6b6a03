/**
 * Entry point: `npm run worker -- --agency <justice|police|vss|engine|all>`.
 * Env: TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), DATABASE_URL (else PGlite dir
 * .data/registries), TEMPORAL_API_KEY, TEMPORAL_TLS (true to use TLS with system roots), TEMPORAL_TLS_CERT /
 * TEMPORAL_TLS_KEY (mTLS client certificate paths), TEMPORAL_TLS_CA (server CA path), TEMPORAL_TLS_SERVER_NAME.
 * Shuts down gracefully on SIGINT/SIGTERM (the SDK stops polling and lets running tasks finish).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { describeTarget, parseDatabaseTarget, type Executor } from '../db/connection';
import { createAgencyWorker, UnknownWorkerRoleError, WORKER_ROLES, type WorkerRole } from './agency-worker';

function connectionOptions(env: NodeJS.ProcessEnv): NativeConnectionOptions {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const useTls = env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_TLS_CERT || !!env.TEMPORAL_API_KEY;
  const tls = useTls
    ? {
        serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined,
        serverRootCACertificate: env.TEMPORAL_TLS_CA ? readFileSync(env.TEMPORAL_TLS_CA) : undefined,
        clientCertPair:
          env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY
            ? { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) }
            : undefined,
      }
    : undefined;
  return { address, tls, apiKey: env.TEMPORAL_API_KEY || undefined };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { agency: { type: 'string', default: 'all' } } });
  const requested = values.agency ?? 'all';
  const roles: WorkerRole[] =
    requested === 'all' ? [...WORKER_ROLES] : (requested.split(',').map((r) => r.trim()) as WorkerRole[]);
  for (const r of roles) if (!WORKER_ROLES.includes(r)) throw new UnknownWorkerRoleError(r);

  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const connection = await NativeConnection.connect(connectionOptions(process.env));
  const needsDb = roles.some((r) => r !== 'engine');
  let close = async () => {};
  let db: Executor | undefined;
  if (needsDb) {
    const { openRegistriesDatabase } = await import('../db/registries-database');
    const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
    const opened = await openRegistriesDatabase(target);
    db = opened.db;
    close = () => opened.close();
    console.log(`registries: ${describeTarget(target)}`);
  }
  const workers = await Promise.all(roles.map((agency) => createAgencyWorker({ agency, connection, namespace, db })));
  console.log(`workers running: ${roles.join(', ')} (namespace ${namespace}); Ctrl-C to stop`);
  try {
    // The SDK runtime installs SIGINT/SIGTERM handlers that shut every worker down; run() resolves then.
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await close();
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
