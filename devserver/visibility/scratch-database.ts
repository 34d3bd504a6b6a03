/**
 * Scratch databases for visibility tests and the benchmark: in-memory PGlite, or a fresh database on the
 * Postgres server of `serverUrl` (created here, dropped by `close`). Migrations are applied.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, withDatabaseName, type Executor } from '../../db/connection';
import * as schema from './schema';

export const DEVSERVER_MIGRATIONS = 'db/migrations/devserver';
export const DEVSERVER_MIGRATIONS_TABLE = '__devserver_migrations';

export interface ScratchDatabase {
  label: string;
  db: Executor;
  close(): Promise<void>;
}

export async function openScratchPglite(dir?: string): Promise<ScratchDatabase> {
  const open = await openDatabase(dir ? { kind: 'pglite-dir', dir } : { kind: 'pglite-memory' }, schema);
  await open.migrate(DEVSERVER_MIGRATIONS, DEVSERVER_MIGRATIONS_TABLE);
  return { label: dir ? 'pglite-dir' : 'pglite', db: open.db, close: () => open.close() };
}

/** Creates an empty database on the server of `serverUrl`; `drop` removes it. */
export async function createScratchPostgresDatabase(
  serverUrl: string,
  prefix = 'vis',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabaseName(serverUrl, name),
    drop: async () => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

export async function openScratchPostgres(serverUrl: string, prefix = 'vis'): Promise<ScratchDatabase> {
  const scratch = await createScratchPostgresDatabase(serverUrl, prefix);
  const open = await openDatabase({ kind: 'postgres', url: scratch.url }, schema);
  await open.migrate(DEVSERVER_MIGRATIONS, DEVSERVER_MIGRATIONS_TABLE);
  return {
    label: 'postgres',
    db: open.db,
    close: async () => {
      await open.close();
      await scratch.drop();
    },
  };
}
