/**
 * `npm run devserver -- --port 7233 --db <postgres-url | directory | :memory:>`
 * Env (read only here): DEVSERVER_PORT, DEVSERVER_DB or DATABASE_URL, DEVSERVER_LONG_POLL_MS.
 */
import { parseArgs } from 'node:util';
import { startDevServer, DEFAULT_DATA_DIR } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    db: { type: 'string' },
    'long-poll-ms': { type: 'string' },
    namespace: { type: 'string', multiple: true },
  },
  allowPositionals: false,
});

const port = Number(values.port ?? process.env.DEVSERVER_PORT ?? 7233);
const db = values.db ?? process.env.DEVSERVER_DB ?? process.env.DATABASE_URL ?? DEFAULT_DATA_DIR;
const longPoll = values['long-poll-ms'] ?? process.env.DEVSERVER_LONG_POLL_MS;

const server = await startDevServer({
  port,
  host: values.host ?? '127.0.0.1',
  db,
  longPollTimeoutMs: longPoll ? Number(longPoll) : undefined,
  namespaces: values.namespace?.length ? ['default', ...values.namespace] : undefined,
});
console.log(`Temporal devserver ready at ${server.address}`);

// Last line of defence: a bug in one request must not take the server down.
process.on('unhandledRejection', (e) => console.error('[devserver] unhandled rejection', e));
process.on('uncaughtException', (e) => console.error('[devserver] uncaught exception', e));

let shuttingDown = false;
async function shutdown(sig: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${sig} received, stopping devserver...`);
  try {
    await server.stop();
    process.exit(0);
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
