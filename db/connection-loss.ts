/**
 * A database restart must not take a process down. postgres.js reconnects by itself, but when Postgres goes away
 * mid-flight a connection error can surface outside any awaiting caller (a rejection nobody handles, or postgres.js
 * writing to a socket it has just dropped: "Cannot read properties of null (reading 'write')" in its connection.js),
 * and Node ends the process — found by `npm run bench:chaos`, which restarts Postgres under load. Entry points
 * (workers, API) install this: such connection-level errors are logged and the process lives on (the work they
 * interrupted fails and is retried: activities by Temporal, requests by their callers); any other uncaught error
 * still ends the process, as Node does by default.
 */
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P02', '57P03']);

/** Whether `err` is a lost or refused database connection (and nothing else). */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; stack?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  return err instanceof TypeError && typeof e.stack === 'string' && /node_modules\/postgres\/src\/connection\.js/.test(e.stack);
}

/** Installs the handlers once per process; `label` prefixes the log lines. */
export function surviveConnectionLoss(label: string, log: (message: string) => void = (m) => console.error(m)): void {
  const g = globalThis as { __surviveConnectionLoss?: boolean };
  if (g.__surviveConnectionLoss) return;
  g.__surviveConnectionLoss = true;
  const handle = (kind: string) => (err: unknown) => {
    if (isConnectionLoss(err)) {
      log(`[${label}] database connection lost (${kind}; the work it interrupted is retried): ${(err as Error)?.message ?? err}`);
      return;
    }
    log(`[${label}] ${kind}: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  };
  process.on('unhandledRejection', handle('unhandled rejection'));
  process.on('uncaughtException', handle('uncaught exception'));
}
