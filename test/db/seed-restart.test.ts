import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { count, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { withDatabaseName, type DatabaseTarget } from '../../db/connection';
import { householdMembers, persons } from '../../db/registries/schema';
import { FIXTURE_GRANDMOTHER, openSeededRegistries, seedPopulation } from '../../db/seed';
import { openTestDatabase } from '../support/registry-helpers';

/** A target that survives a close/reopen: a PGlite directory, or a scratch database on the Postgres server. */
async function persistentTarget(): Promise<{ target: DatabaseTarget; cleanup: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'seed-restart-'));
    return { target: { kind: 'pglite-dir', dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `seed_restart_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  return {
    target: { kind: 'postgres', url: withDatabaseName(url, name) },
    cleanup: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('seeding never touches a register that holds data', () => {
  it('a deleted residence stays deleted across a restart', async () => {
    const { target, cleanup } = await persistentTarget();
    cleanups.push(cleanup);
    const first = await openSeededRegistries(target, { people: 30 });
    expect(first.seeded.skipped).toBe(false);
    const personsBefore = (await first.database.db.select({ n: count() }).from(persons))[0].n;
    // What a death case does to the residence register: the member row goes.
    const gone = await first.database.db
      .delete(householdMembers)
      .where(eq(householdMembers.personalId, FIXTURE_GRANDMOTHER.personalId))
      .returning();
    expect(gone).toHaveLength(1);
    await first.database.close();

    // The restart (what `npm start` does on every start).
    const again = await openSeededRegistries(target, { people: 30 });
    try {
      expect(again.seeded.skipped).toBe(true);
      expect(again.seeded.inserted).toEqual({ persons: 0, households: 0, members: 0, socialInsuranceNumbers: 0, cards: 0 });
      const rows = await again.database.db.select().from(householdMembers).where(eq(householdMembers.personalId, FIXTURE_GRANDMOTHER.personalId));
      expect(rows).toEqual([]);
      expect((await again.database.db.select({ n: count() }).from(persons))[0].n).toBe(personsBefore);
    } finally {
      await again.database.close();
    }
  });

  it('a seed with other options on a database in use inserts nothing', async () => {
    const t = await openTestDatabase();
    try {
      await seedPopulation(t.db, { people: 20, seed: 1 });
      const before = (await t.db.select({ n: count() }).from(persons))[0].n;
      const other = await seedPopulation(t.db, { people: 40, seed: 2 });
      expect(other.skipped).toBe(true);
      expect((await t.db.select({ n: count() }).from(persons))[0].n).toBe(before);
    } finally {
      await t.close();
    }
  });
});
