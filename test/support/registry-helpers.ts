/**
 * Test databases: in-memory PGlite by default; with DATABASE_URL set, a fresh scratch database on that server
 * per call (dropped on close), so test files never share state.
 */
import postgres from 'postgres';
import { withDatabaseName, type DatabaseTarget } from '../../db/connection';
import { openRegistriesDatabase, type RegistriesDatabase } from '../../db/registries-database';
import type { AccessContext } from '../../domain/registries';

export interface TestDatabase extends RegistriesDatabase {
  label: 'pglite' | 'postgres';
}

let counter = 0;

export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const opened = await openRegistriesDatabase({ kind: 'pglite-memory' });
    return { ...opened, label: 'pglite' };
  }
  const name = `reg_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target: DatabaseTarget = { kind: 'postgres', url: withDatabaseName(url, name) };
  const opened = await openRegistriesDatabase(target, { maxConnections: 10 });
  return {
    ...opened,
    label: 'postgres',
    async close() {
      await opened.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * A database target for a whole stack (e.g. an engine session): undefined (in-memory PGlite) by default; with
 * DATABASE_URL set, a fresh scratch database on that server, dropped by `drop()`.
 */
export async function scratchDatabaseTarget(prefix: string): Promise<{ target: DatabaseTarget | undefined; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { target: undefined, drop: async () => {} };
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  return {
    target: { kind: 'postgres', url: withDatabaseName(url, name) },
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export function testCtx(caseId: string, over: Partial<AccessContext> = {}): AccessContext {
  return {
    procedureId: 'birth-group',
    procedureVersion: 1,
    caseId,
    agency: 'justice',
    purpose: 'register the birth of a child',
    legalBasis: 'Decree 63/2024, Art. 7',
    actor: 'system',
    ...over,
  };
}

export { seededRandom } from '../../domain/random';
