/**
 * A birth register of national size is looked up by medical birth notice, never read whole: every application
 * (receipt check) and every birth registration (one registration per notice) asks whether the notice was already
 * used. Without birth_registrations_notice_idx both read the whole register (found by bench:scale's per-decision
 * table reads). Real PGlite (or DATABASE_URL's Postgres), 20,000 registrations, analyzed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { birthByNoticeQuery, findBirthByNotice } from '../../activities/registries/postgres/civil-status';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';
import { planOf } from '../support/query-plan';

let t: TestDatabase;
const REGISTRATIONS = 20_000;

beforeAll(async () => {
  t = await openTestDatabase();
  // Children 9…; the register book of one commune; one registration per child, notice "GCS-<n>".
  await t.db.execute(sql`
    insert into persons (personal_id, full_name, date_of_birth, sex, ethnicity, home_town, place_of_birth)
    select '9' || lpad(g::text, 11, '0'), 'Child ' || g, date '2026-01-01' + (g % 300), 'female', 'Kinh', '26734', '26734'
      from generate_series(1, ${REGISTRATIONS}) g`);
  await t.db.execute(sql`insert into register_books (book_code, kind, commune_code, year, next_entry) values ('KS-2026-26734', 'birth', '26734', 2026, ${REGISTRATIONS + 1})`);
  await t.db.execute(sql`
    insert into birth_registrations (book_id, entry_number, certificate_number, child_id, commune_code, registered_at, medical_birth_notice_no, case_id)
    select b.id, g, 'CN-' || g, '9' || lpad(g::text, 11, '0'), '26734', timestamptz '2026-06-01T00:00:00Z', 'GCS-' || g, 'case-' || g
      from generate_series(1, ${REGISTRATIONS}) g, register_books b where b.book_code = 'KS-2026-26734'`);
  await t.db.execute(sql`analyze birth_registrations`);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('birth register lookups', () => {
  it('finds a registration by its medical birth notice through the notice index, without reading the register', async () => {
    const plan = await planOf(t.db, birthByNoticeQuery(t.db, 'GCS-12345'));
    expect(plan).toContain('birth_registrations_notice_idx');
    expect(plan).not.toMatch(/Seq Scan/);
    expect(await findBirthByNotice(t.db, 'GCS-12345')).toEqual({ caseId: 'case-12345' });
    expect(await findBirthByNotice(t.db, 'GCS-0')).toBeNull();
  });
});
