/**
 * One way to open a Postgres database for every part of the system: a server URL (postgres.js driver),
 * an embedded PGlite data directory, or an in-memory PGlite (":memory:") for tests.
 * Env vars are never read here: entry points decide the target and pass it in.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { acquireDirLock, type DirLock } from './dir-lock';
import { preparingSql } from './prepared-statements';

/** Any drizzle database or transaction: query modules take this so they compose inside a transaction. */
/** The rows of a `db.execute` result: postgres-js answers an array, PGlite `{ rows }`. */
export const rowsOf = (result: unknown): any[] => (Array.isArray(result) ? result : (result as { rows: any[] }).rows);

export type Executor<TSchema extends Record<string, unknown> = any> = PgDatabase<PgQueryResultHKT, TSchema>;

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite-dir'; dir: string }
  | { kind: 'pglite-memory' };

export interface OpenDatabase<TSchema extends Record<string, unknown>> {
  db: Executor<TSchema>;
  target: DatabaseTarget;
  /** Applies the committed migrations in `migrationsFolder` (idempotent). */
  migrate(migrationsFolder: string, migrationsTable: string): Promise<void>;
  close(): Promise<void>;
  /** For an embedded directory: this process's ownership of it (see dir-lock.ts). */
  lock?: DirLock;
}

export class InvalidDatabaseTargetError extends Error {
  readonly code = 'INVALID_DATABASE_TARGET';
  constructor(spec: string) {
    super(`Not a database target: "${spec}". Use a postgres:// URL, a directory path, or ":memory:".`);
  }
}

/** Parses the `--db` / `DATABASE_URL` style spec. Empty → the given default directory. */
export function parseDatabaseTarget(spec: string | undefined, defaultDir: string): DatabaseTarget {
  const s = (spec ?? '').trim();
  if (s === '') return { kind: 'pglite-dir', dir: defaultDir };
  if (s === ':memory:' || s === 'memory://') return { kind: 'pglite-memory' };
  if (/^postgres(ql)?:\/\//.test(s)) return { kind: 'postgres', url: s };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new InvalidDatabaseTargetError(s);
  return { kind: 'pglite-dir', dir: s };
}

/** The same server URL with another database name (benches and tests create and drop their own databases). */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function describeTarget(t: DatabaseTarget): string {
  if (t.kind === 'postgres') return t.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  if (t.kind === 'pglite-dir') return `pglite:${t.dir}`;
  return 'pglite:memory';
}

export interface OpenOptions {
  /** Max pool size for postgres.js (ignored for PGlite, which has a single connection). */
  maxConnections?: number;
  /** postgres.js `onnotice`; defaults to silent so migrations don't spam the console. */
  onNotice?: (n: unknown) => void;
}

export async function openDatabase<TSchema extends Record<string, unknown>>(
  target: DatabaseTarget,
  schema: TSchema,
  options: OpenOptions = {},
): Promise<OpenDatabase<TSchema>> {
  if (target.kind === 'postgres') {
    const sql = postgres(target.url, {
      max: options.maxConnections ?? 10,
      onnotice: options.onNotice ?? (() => {}),
    });
    // Repeated queries become server-side prepared statements (db/prepared-statements.ts).
    const db = drizzlePostgres(preparingSql(sql).sql, { schema });
    return {
      db: db as unknown as Executor<TSchema>,
      target,
      migrate: (migrationsFolder, migrationsTable) =>
        migratePostgres(db, { migrationsFolder, migrationsTable }),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let client: PGlite;
  let lock: DirLock | undefined;
  if (target.kind === 'pglite-dir') {
    mkdirSync(target.dir, { recursive: true });
    lock = acquireDirLock(target.dir); // refuses a second process on the same directory
    try {
      client = await PGlite.create(target.dir);
    } catch (e) {
      lock.release();
      throw e;
    }
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Executor<TSchema>,
    target,
    migrate: (migrationsFolder, migrationsTable) => migratePglite(db, { migrationsFolder, migrationsTable }),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
    ...(lock ? { lock } : {}),
  };
}
