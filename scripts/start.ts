/**
 * `npm start`: everything on embedded defaults in one process — the Temporal-compatible devserver on a PGlite data
 * directory, the registries (migrated, seeded with a synthetic population on first start), every agency's worker and
 * the engine's workflow worker, and the HTTP API. Prints the URLs.
 *
 * Env (read only here): DATABASE_URL (registries; else PGlite .data/registries), TEMPORAL_ADDRESS (a real cluster:
 * then no devserver is started), TEMPORAL_NAMESPACE (default), DEVSERVER_DB (.data/devserver), DEVSERVER_PORT (7233),
 * PORT (3000), SEED_PEOPLE (10000).
 */
import { NativeConnection } from '@temporalio/worker';
import { describeTarget, parseDatabaseTarget } from '../db/connection';
import { openRegistriesDatabase } from '../db/registries-database';
import { seedPopulation } from '../db/seed';
import { serveApi } from '../api/server';
import { wireCaseService } from '../api/wiring';
import { createAgencyWorker, WORKER_ROLES } from '../worker/agency-worker';

const log = (m: string) => console.log(`[start] ${m}`);
const env = process.env;
const namespace = env.TEMPORAL_NAMESPACE || 'default';

const target = parseDatabaseTarget(env.DATABASE_URL, '.data/registries');
log(`registries: ${describeTarget(target)} (migrating)`);
const database = await openRegistriesDatabase(target);
const seeded = await seedPopulation(database.db, {
  people: Number(env.SEED_PEOPLE ?? 10_000),
  onProgress: (m) => log(`seed: ${m}`),
});
log(`registries ready: ${seeded.total.persons} people, ${seeded.total.households} households`);

let stopDevServer = async () => {};
let temporalAddress = env.TEMPORAL_ADDRESS;
if (!temporalAddress) {
  const { startDevServer } = await import('../devserver/index');
  const devDb = env.DEVSERVER_DB || '.data/devserver';
  const dev = await startDevServer({ port: Number(env.DEVSERVER_PORT ?? 7233), db: devDb });
  temporalAddress = dev.address;
  stopDevServer = () => dev.stop();
  log(`Temporal devserver at ${dev.address} (storage ${devDb})`);
} else {
  log(`Temporal cluster at ${temporalAddress} (namespace ${namespace})`);
}

const connection = await NativeConnection.connect({ address: temporalAddress });
log('bundling workflow code and starting workers…');
const workers = await Promise.all(
  WORKER_ROLES.map((agency) => createAgencyWorker({ agency, connection, namespace, db: database.db })),
);
log(`workers polling: ${WORKER_ROLES.join(', ')}`);

const wiring = await wireCaseService({ db: database.db, temporalAddress, namespace });
const api = await serveApi(wiring.service, { port: Number(env.PORT ?? 3000), hostname: env.HOST });

console.log(`
Ready.
  HTTP API        ${api.url}   (health: ${api.url}/health, OpenAPI: ${api.url}/openapi.json)
  Temporal        ${temporalAddress}   (namespace ${namespace})
  Registries      ${describeTarget(target)}
Ctrl-C stops everything gracefully.
`);

// The Temporal runtime shuts the workers down on SIGINT/SIGTERM; run() resolves once they have drained.
await Promise.all(workers.map((w) => w.run()));
log('workers stopped; closing the API, devserver and databases');
await api.close();
await wiring.close();
await connection.close();
await stopDevServer();
await database.close();
process.exit(0);
