/**
 * `npm run api`: the HTTP API alone. Env (read only here): PORT (3000), HOST (127.0.0.1), DATABASE_URL (else PGlite
 * dir .data/registries), TEMPORAL_ADDRESS (127.0.0.1:7233) with TEMPORAL_TLS* / TEMPORAL_API_KEY, TEMPORAL_NAMESPACE,
 * AUTH_CONFIG (the trusted issuers, docs/identity.md) or AUTH_DEV_IDENTITY=true (trust and serve the local development
 * identity provider in IDENTITY_DIR, default .data/identity), CONSOLE_ORIGIN (comma-separated origins allowed by CORS),
 * PAYLOAD_KEYS / PAYLOAD_KEYS_FILE (payload encryption keys, docs/encryption.md; else .data/keys/payload-keys.json).
 */
import { describeTarget, parseDatabaseTarget } from '../db/connection';
import { openRegistriesDatabase } from '../db/registries-database';
import { serveApi } from '../api/server';
import { wireCaseService } from './api-wiring';
import { temporalConnectionOptions } from '../worker/temporal-connection';
import { openDevIdentityProvider } from '../identity/dev-identity-provider';
import { apiSecurity } from '../api/security-config';
import { dataConverterFromEnv } from '../worker/codec/data-converter';
import { surviveConnectionLoss } from '../db/connection-loss';
import { dropOutputToClosedPipe } from './closed-output';

dropOutputToClosedPipe();

const env = process.env;
const security = apiSecurity({
  authConfigPath: env.AUTH_CONFIG || undefined,
  devIdentityProvider: env.AUTH_DEV_IDENTITY === 'true' ? await openDevIdentityProvider({ dir: env.IDENTITY_DIR || undefined }) : undefined,
  corsOrigins: env.CONSOLE_ORIGIN ? env.CONSOLE_ORIGIN.split(',') : undefined,
});

surviveConnectionLoss('api');
const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
const database = await openRegistriesDatabase(target);
const temporal = temporalConnectionOptions(process.env);
const wiring = await wireCaseService({
  db: database.db,
  // The designer pages' simulations: an engine of their own, loaded when the first one starts.
  startSimulation: async () => (await import('../designer/engine-session')).startEngineSession(),
  temporal,
  namespace: process.env.TEMPORAL_NAMESPACE || 'default',
  dataConverter: dataConverterFromEnv(env, 'The API'),
});
const api = await serveApi(wiring.service, { ops: wiring.ops, readModel: wiring.readModel, codec: wiring.codec, console: wiring.console, security, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST });
database.lock?.advertise({ apiUrl: api.url }); // the ops CLI reaches this process through the lock
async function shutdown(signal: string): Promise<void> {
  console.log(`${signal}: stopping the API`);
  await api.close();
  await wiring.close();
  await database.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
// Announced only once the signals are handled: a supervisor that stops it as soon as it reads this line must reach
// the shutdown above, not the default action (the process killed mid-write).
console.log(`API ready at ${api.url} (registries: ${describeTarget(target)}, Temporal: ${temporal.address})`);
