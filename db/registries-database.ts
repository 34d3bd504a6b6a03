/**
 * Opens the registries + engine database and applies its committed migrations.
 * Used by the API, the workers, the seed and the tests.
 */
import { fileURLToPath } from 'node:url';
import { openDatabase, type DatabaseTarget, type OpenDatabase, type OpenOptions } from './connection';
import * as engineSchema from './engine/schema';
import * as registriesSchema from './registries/schema';

export const registriesDbSchema = { ...registriesSchema, ...engineSchema };
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
    await opened.migrate(REGISTRIES_MIGRATIONS_FOLDER, REGISTRIES_MIGRATIONS_TABLE);
  } catch (e) {
    await opened.close();
    throw e;
  }
  return opened;
}
