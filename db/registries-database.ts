/**
 * Opens the registries + engine database and applies its committed migrations.
 * Used by the API, the workers, the seed and the tests.
 */
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, type DatabaseTarget, type OpenDatabase, type OpenOptions } from './connection';
import * as engineSchema from './engine/schema';
import * as readModelSchema from './engine/read-model-schema';
import * as registriesSchema from './registries/schema';

export const registriesDbSchema = { ...registriesSchema, ...engineSchema, ...readModelSchema };
export type RegistriesDbSchema = typeof registriesDbSchema;
export type RegistriesDatabase = OpenDatabase<RegistriesDbSchema>;

export const REGISTRIES_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations/registries', import.meta.url));
export const REGISTRIES_MIGRATIONS_TABLE = '__registries_migrations';

export async function openRegistriesDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<RegistriesDatabase> {
  const opened = await openDatabase(target, registriesDbSchema, options);
  try {
    if (target.kind === 'postgres') {
      await withMigrationLock(target.url, () => opened.migrate(REGISTRIES_MIGRATIONS_FOLDER, REGISTRIES_MIGRATIONS_TABLE));
    } else {
      await opened.migrate(REGISTRIES_MIGRATIONS_FOLDER, REGISTRIES_MIGRATIONS_TABLE);
    }
  } catch (e) {
    await opened.close();
    throw e;
  }
  return opened;
}

/** Arbitrary constant: the advisory-lock key for registry migrations. */
const MIGRATION_LOCK_KEY = 7_106_203_025;

/**
 * The API and several workers may start at once against one server: a session advisory lock, held on a connection
 * of its own, makes them migrate one after the other (the later ones then find nothing to do).
 */
async function withMigrationLock(url: string, run: () => Promise<void>): Promise<void> {
  const lockConn = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await lockConn`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await run();
    } finally {
      await lockConn`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await lockConn.end({ timeout: 5 });
  }
}
