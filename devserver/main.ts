/**
 * `npm run devserver -- --port 7233 --db <postgres-url | directory | :memory:>`
 *   [--auth-issuer <iss> --auth-jwks <url | file> [--auth-audience temporal] [--worker-queues engine=engine,police=agency-police]
 *    [--task-token-secret <file>]   (the key binding task tokens to their queue; random per start when not given,
 *    so tasks handed out before a restart can then no longer be answered)
 *    [--tls-identities <file.json>]]
 *   [--tls-cert <pem> --tls-key <pem> [--tls-client-ca <pem> [--tls-require-client-cert]]]
 *   [--dynamic-config-value limit.historyCount.error=51200 …]   (as the Temporal CLI: history, update and blob size limits)
 *   [--metrics-port 9090]   (as the Temporal CLI: Prometheus metrics at http://<host>:<port>/metrics; metrics.ts)
 *   [--run-cache-runs 10000]   (runs whose state the run cache keeps in memory; engine/run-cache.ts)
 * Env (read only here): DEVSERVER_PORT, DEVSERVER_DB or DATABASE_URL, DEVSERVER_LONG_POLL_MS, DEVSERVER_METRICS_PORT,
 * DEVSERVER_RUN_CACHE_RUNS.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDevServer, DEFAULT_DATA_DIR } from './index';
import { TEMPORAL_AUDIENCE } from '../identity/claims';
import { createTokenVerifier } from '../identity/token-verifier';
import type { DevServerAuthOptions } from './auth/interceptor';
import { loadCertificateIdentities } from './auth/certificate-identities';
import type { DevServerTlsOptions } from './transport/tls';
import { parseDynamicConfig } from './dynamic-config';
import { createDevServerMetrics, serveMetrics } from './metrics';
import { dropOutputToClosedPipe } from '../scripts/closed-output';
import { parseWholeNumber } from '../domain/whole-number';

dropOutputToClosedPipe();

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    db: { type: 'string' },
    'long-poll-ms': { type: 'string' },
    namespace: { type: 'string', multiple: true },
    'auth-issuer': { type: 'string' },
    'auth-jwks': { type: 'string' },
    'auth-audience': { type: 'string' },
    'worker-queues': { type: 'string' },
    'task-token-secret': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-client-ca': { type: 'string' },
    'tls-require-client-cert': { type: 'boolean' },
    'tls-identities': { type: 'string' },
    'dynamic-config-value': { type: 'string', multiple: true },
    'metrics-port': { type: 'string' },
    'run-cache-runs': { type: 'string' },
  },
  allowPositionals: false,
});

const port = Number(values.port ?? process.env.DEVSERVER_PORT ?? 7233);
const db = values.db ?? process.env.DEVSERVER_DB ?? process.env.DATABASE_URL ?? DEFAULT_DATA_DIR;
const longPoll = values['long-poll-ms'] ?? process.env.DEVSERVER_LONG_POLL_MS;
const host = values.host ?? '127.0.0.1';
const metricsPortRaw = values['metrics-port'] ?? process.env.DEVSERVER_METRICS_PORT;
const metricsPort = metricsPortRaw === undefined ? undefined : Number(metricsPortRaw);
if (metricsPortRaw !== undefined && !(/^\d+$/.test(metricsPortRaw) && metricsPort! >= 1 && metricsPort! <= 65_535)) {
  throw new Error(`--metrics-port: "${metricsPortRaw}" is not a port number (1–65535)`);
}
const metrics = metricsPort === undefined ? undefined : createDevServerMetrics();
const runCacheRunsRaw = values['run-cache-runs'] ?? process.env.DEVSERVER_RUN_CACHE_RUNS;
const runCacheRuns = runCacheRunsRaw === undefined ? undefined : parseWholeNumber(runCacheRunsRaw);
if (runCacheRuns !== undefined && !(runCacheRuns >= 1 && runCacheRuns <= 10_000_000)) {
  throw new Error(`--run-cache-runs: "${runCacheRunsRaw}" is not a number of runs (1–10000000)`);
}

/** Authentication on when an issuer is given: its JWKS (URL or file), and each worker identity's task queues. */
function authOptions(): DevServerAuthOptions | undefined {
  const issuer = values['auth-issuer'];
  const jwks = values['auth-jwks'];
  if (!issuer && !jwks) {
    if (values['worker-queues'] || values['task-token-secret'] || values['tls-identities']) throw new Error('--worker-queues, --task-token-secret and --tls-identities need --auth-issuer and --auth-jwks');
    return undefined;
  }
  if (!issuer || !jwks) throw new Error('--auth-issuer and --auth-jwks go together');
  const workerTaskQueues: Record<string, string[]> = {};
  for (const pair of (values['worker-queues'] ?? '').split(',').filter(Boolean)) {
    const [worker, queues] = pair.split('=');
    if (!worker || !queues) throw new Error(`--worker-queues: "${pair}" is not <worker>=<queue>[+<queue>…]`);
    workerTaskQueues[worker] = queues.split('+');
  }
  const source = /^https?:\/\//.test(jwks) ? { jwksUrl: jwks } : { jwksFile: jwks };
  const identities = values['tls-identities'];
  if (identities && !values['tls-client-ca']) throw new Error('--tls-identities needs --tls-client-ca (the CA that issues the client certificates)');
  return {
    verify: createTokenVerifier({ audience: values['auth-audience'] ?? TEMPORAL_AUDIENCE, issuers: [{ issuer, ...source, accepts: ['staff'] }] }),
    workerTaskQueues,
    taskTokenSecret: values['task-token-secret'] ? readFileSync(values['task-token-secret']) : undefined,
    certificateIdentities: identities ? loadCertificateIdentities(identities, workerTaskQueues) : undefined,
  };
}

/** TLS on when a server certificate is given; client certificates verified against --tls-client-ca. */
function tlsOptions(): DevServerTlsOptions | undefined {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  const clientCa = values['tls-client-ca'];
  if (!cert && !key) {
    if (clientCa || values['tls-require-client-cert']) throw new Error('--tls-client-ca and --tls-require-client-cert need --tls-cert and --tls-key');
    return undefined;
  }
  if (!cert || !key) throw new Error('--tls-cert and --tls-key go together');
  if (values['tls-require-client-cert'] && !clientCa) throw new Error('--tls-require-client-cert needs --tls-client-ca');
  return {
    cert: readFileSync(cert),
    key: readFileSync(key),
    clientCa: clientCa ? readFileSync(clientCa) : undefined,
    requireClientCert: values['tls-require-client-cert'] ?? false,
  };
}

const server = await startDevServer({
  ...parseDynamicConfig(values['dynamic-config-value'] ?? []),
  auth: authOptions(),
  tls: tlsOptions(),
  port,
  host,
  db,
  longPollTimeoutMs: longPoll ? Number(longPoll) : undefined,
  runCache: runCacheRuns === undefined ? undefined : { maxRuns: runCacheRuns },
  namespaces: values.namespace?.length ? ['default', ...values.namespace] : undefined,
  onRpc: metrics?.onRpc,
});
metrics?.observeWrites(() => server.engine.writes.stats);
metrics?.observeRunCache(() => server.engine.cache.stats());
const metricsServer = metrics ? await serveMetrics(metrics, metricsPort!, host) : undefined;
if (metricsServer) console.log(`Temporal devserver metrics at http://${host}:${metricsPort}/metrics`);
// Last line of defence: a bug in one request must not take the server down.
process.on('unhandledRejection', (e) => console.error('[devserver] unhandled rejection', e));
process.on('uncaughtException', (e) => console.error('[devserver] uncaught exception', e));

let shuttingDown = false;
async function shutdown(sig: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${sig} received, stopping devserver...`);
  try {
    metricsServer?.close();
    await server.stop();
    process.exit(0);
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Announced only once the signals are handled: stopped as soon as this line is read, it shuts down gracefully.
console.log(`Temporal devserver ready at ${server.address}`);
