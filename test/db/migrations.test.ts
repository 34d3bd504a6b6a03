import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { rowsOf, withDatabaseName, type DatabaseTarget } from '../../db/connection';
import { openRegistriesDatabase, REGISTRIES_MIGRATIONS_FOLDER, REGISTRIES_MIGRATIONS_TABLE } from '../../db/registries-database';
import { openTestDatabase } from '../support/registry-helpers';


describe('registries migrations', () => {
  it('create every table, re-apply without effect, and enforce the ID format in SQL', async () => {
    const t = await openTestDatabase();
    try {
      await t.migrate(REGISTRIES_MIGRATIONS_FOLDER, REGISTRIES_MIGRATIONS_TABLE);
      const names = rowsOf(
        await t.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`),
      ).map((r) => r.table_name);
      expect(names).toEqual(
        expect.arrayContaining(['audit_log', 'birth_registrations', 'case_records', 'health_insurance_cards', 'household_members', 'households', 'persons', 'register_books', 'social_insurance_numbers']),
      );
      await expect(
        t.db.execute(
          sql`insert into persons (personal_id, full_name, date_of_birth, sex, ethnicity, home_town, place_of_birth)
              values ('12345', 'X', '2000-01-01', 'male', 'Kinh', '00004', '00004')`,
        ),
      ).rejects.toThrow();
    } finally {
      await t.close();
    }
  });

  it('let several processes open the same database at once (server) or one after another (PGlite dir)', async () => {
    const url = process.env.DATABASE_URL;
    let cleanup: () => Promise<void>;
    let targets: DatabaseTarget[];
    let concurrent: boolean;
    if (url) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      const name = `reg_mig_${process.pid}_${Date.now().toString(36)}`;
      await admin.unsafe(`create database ${name}`);
      targets = [1, 2, 3].map(() => ({ kind: 'postgres', url: withDatabaseName(url, name) }));
      concurrent = true; // the advisory lock serialises them
      cleanup = async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'reg-mig-'));
      targets = [1, 2].map(() => ({ kind: 'pglite-dir', dir }));
      concurrent = false; // one process per PGlite directory
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    try {
      const counts: number[] = [];
      const openAndCount = async (target: DatabaseTarget) => {
        const o = await openRegistriesDatabase(target);
        counts.push(rowsOf(await o.db.execute(sql`select count(*)::int as n from drizzle.__registries_migrations`))[0].n);
        return o;
      };
      if (concurrent) {
        const opened = await Promise.all(targets.map(openAndCount));
        await Promise.all(opened.map((o) => o.close()));
      } else {
        for (const target of targets) await (await openAndCount(target)).close();
      }
      // One row per committed migration (the journal lists them).
      const journal = JSON.parse(readFileSync(join(REGISTRIES_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
      expect(counts).toEqual(targets.map(() => journal.entries.length));
    } finally {
      await cleanup();
    }
  });
});
