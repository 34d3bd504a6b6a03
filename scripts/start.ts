/**
 * `npm start`: everything on embedded defaults in one process — the Temporal-compatible devserver on a PGlite data
 * directory, the registries (migrated, seeded with a synthetic population on first start), every agency's worker and
 * the engine's workflow worker, and the HTTP API. Prints the URLs.
 *
 * Env (read only here): DATABASE_URL (registries; else PGlite .data/registries), TEMPORAL_ADDRESS (a real cluster,
 * with TEMPORAL_TLS* / TEMPORAL_API_KEY: then no devserver is started), TEMPORAL_GRPC_COMPRESSION (the workers':
 * gzip or none; default none on loopback), TEMPORAL_NAMESPACE (default), DEVSERVER_DB (.data/devserver), DEVSERVER_PORT (7233),
 * PORT (3000), HOST (127.0.0.1), SEED_PEOPLE (10000), IDENTITY_DIR (.data/identity: the local identity provider's
 * key), AUTH_CONFIG (trust these issuers instead of the local provider, docs/identity.md), CONSOLE_ORIGIN (CORS),
 * PAYLOAD_KEYS / PAYLOAD_KEYS_FILE (payload encryption keys; else .data/keys/payload-keys.json, created if missing),
 * WORKER_WORKFLOW_THREADS / WORKER_MAX_CACHED_WORKFLOWS (the engine worker's, as `npm run worker` reads them).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { describeTarget, parseDatabaseTarget } from '../db/connection';
import { serveApi } from '../api/server';
import { startStack } from './stack';
import { temporalConnectionOptions } from '../worker/temporal-connection';
import { openDevIdentityProvider } from '../identity/dev-identity-provider';
import { apiSecurity } from '../api/security-config';
import { dataConverterFromEnv } from '../worker/codec/data-converter';
import { engineTuningOptions } from '../worker/engine-tuning';
import { dropOutputToClosedPipe } from './closed-output';

dropOutputToClosedPipe();

const log = (m: string) => console.log(`[start] ${m}`);
const env = process.env;
Runtime.install({ logger: new DefaultLogger((env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN') });
const registries = parseDatabaseTarget(env.DATABASE_URL, '.data/registries');
log(`registries: ${describeTarget(registries)}`);

// The local identity provider: the devserver's and workers' credentials, and the API's tokens unless AUTH_CONFIG.
const identity = await openDevIdentityProvider({ dir: env.IDENTITY_DIR || undefined });
const security = apiSecurity({
  authConfigPath: env.AUTH_CONFIG || undefined,
  devIdentityProvider: identity,
  corsOrigins: env.CONSOLE_ORIGIN ? env.CONSOLE_ORIGIN.split(',') : undefined,
});

// Payload encryption: the key file is created on first start like the identity provider's key (docs/encryption.md).
const dataConverter = dataConverterFromEnv(env, 'npm start', { createIfMissing: true, log });
const stack = await startStack({
  identity,
  dataConverter,
  // The designer pages' simulations: an engine of their own, loaded when the first one starts.
  startSimulation: async () => (await import('../designer/engine-session')).startEngineSession(),
  registries,
  temporal: env.TEMPORAL_ADDRESS ? temporalConnectionOptions(env) : undefined,
  grpcCompression: env.TEMPORAL_GRPC_COMPRESSION || undefined,
  devserverDb: env.DEVSERVER_DB || '.data/devserver',
  devserverPort: Number(env.DEVSERVER_PORT ?? 7233),
  namespace: env.TEMPORAL_NAMESPACE || 'default',
  seedPeople: Number(env.SEED_PEOPLE ?? 10_000),
  workerOptions: engineTuningOptions(env),
  log,
});
const api = await serveApi(stack.wiring.service, { ops: stack.wiring.ops, readModel: stack.wiring.readModel, codec: stack.wiring.codec, console: stack.wiring.console, security, port: Number(env.PORT ?? 3000), hostname: env.HOST });
// The ops CLI finds this process through the embedded database's lock and sends its commands here.
stack.database.lock?.advertise({ apiUrl: api.url });

// The engine's worker is the stack's first (worker/agency-worker.ts WORKER_ROLES).
const engine = stack.workers[0]!.options;
console.log(`
Ready.
  Web console  ${api.url}/   (citizens and officers; sign in with a seeded person)
  HTTP API     ${api.url}   (health ${api.url}/health · procedures ${api.url}/procedures · OpenAPI ${api.url}/openapi.json)
  Temporal     ${stack.temporalAddress}   (namespace ${stack.namespace}${env.TEMPORAL_ADDRESS ? '' : ', embedded devserver'})
  Workers      every agency's and the engine's (${engine.workflowThreadPoolSize} workflow thread${engine.workflowThreadPoolSize === 1 ? '' : 's'}, a cache of ${engine.maxCachedWorkflows} workflows)
  Registries   ${describeTarget(registries)}
  Identity     ${security.devIdentityProvider ? `local development provider: sign in at ${api.url}/auth/login or \`npm run -s token -- --as officer:justice:tp-01\`` : `issuers of ${env.AUTH_CONFIG}`}${env.TEMPORAL_ADDRESS ? '' : '; devserver authentication on'}
Ctrl-C stops everything gracefully.
`);

// The Temporal runtime shuts the workers down on SIGINT/SIGTERM; then everything else is closed in order.
await stack.running;
log('workers stopped; closing the API, devserver and databases');
await api.close();
await stack.close();
process.exit(0);
