/**
 * A closed case's documents are read from the registers by their case key on every look at the case (GET
 * /cases/{id}, the answer to its last event, the ops reset): each register must be reached through its case index,
 * never read whole — the population register holds a whole province. Before the case indexes the look-up matched
 * `key = id or left(key, n) = 'id#'` and read every register in full. Real PGlite (or DATABASE_URL's Postgres),
 * 20,000 people created by cases, 20,000 birth registrations, analyzed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { caseDocumentsQuery, DOCUMENT_ISSUERS, listCaseDocuments } from '../../db/registries/case-documents';
import { rowsOf } from '../../db/connection';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';
import { planOf } from '../support/query-plan';

let t: TestDatabase;
const CASES = 20_000;

beforeAll(async () => {
  t = await openTestDatabase();
  // Case n created child 9…n (key `case-n#child`) and registered its birth (key `case-n`).
  await t.db.execute(sql`
    insert into persons (personal_id, full_name, date_of_birth, sex, ethnicity, home_town, place_of_birth, created_by_case_id)
    select '9' || lpad(g::text, 11, '0'), 'Child ' || g, date '2026-01-01' + (g % 300), 'female', 'Kinh', '26734', '26734', 'case-' || g || '#child'
      from generate_series(1, ${CASES}) g`);
  await t.db.execute(sql`insert into register_books (book_code, kind, commune_code, year, next_entry) values ('KS-2026-26734', 'birth', '26734', 2026, ${CASES + 1})`);
  await t.db.execute(sql`
    insert into birth_registrations (book_id, entry_number, certificate_number, child_id, commune_code, registered_at, medical_birth_notice_no, case_id)
    select b.id, g, 'CN-' || g, '9' || lpad(g::text, 11, '0'), '26734', timestamptz '2026-06-01T00:00:00Z' + g * interval '1 second', 'GCS-' || g, 'case-' || g
      from generate_series(1, ${CASES}) g, register_books b where b.book_code = 'KS-2026-26734'`);
  await t.db.execute(sql`analyze`);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('case documents', () => {
  it('reads every register through its case index, none of them whole', async () => {
    const natural = await planOf(t.db, caseDocumentsQuery('case-12345'));
    expect(natural).toContain('persons_case_idx');
    expect(natural).toContain('birth_registrations_case_idx');
    expect(natural).not.toMatch(/Seq Scan on (persons|birth_registrations)/);
    // The other registers are empty here (any plan reads nothing), so their index is checked by its definition:
    // the expression the query matches on, for every case-key column the query reads.
    const rows = rowsOf(await t.db.execute(sql`select tablename, indexdef from pg_indexes where indexname like '%_case_idx'`));
    const defs = new Map(rows.map((r: { tablename: string; indexdef: string }) => [r.tablename, r.indexdef]));
    // One register per kind of document (DOCUMENT_ISSUERS): a new kind must come with its register's case index.
    const registers = ['birth_registrations', 'persons', 'household_members', 'health_insurance_cards', 'death_registrations', 'residence_deletions', 'marriage_registrations', 'benefit_payments', 'judicial_record_certificates', 'tax_registrations', 'unemployment_decisions'];
    expect(registers).toHaveLength(Object.keys(DOCUMENT_ISSUERS).length);
    for (const table of registers) expect(defs.get(table), table).toMatch(/USING btree \(split_part\(\w+, '#'::text, 1\)\)/);
  });

  it('finds the documents written under the case id and under its operation keys, and no other case’s', async () => {
    const docs = await listCaseDocuments(t.db, 'case-12');
    expect(docs.map((d) => [d.kind, d.number, d.issuer, d.subjectId]).sort()).toEqual([
      ['birthCertificate', 'KS-2026-26734/CN-12', 'justice', '900000000012'],
      ['personalIdNumber', '900000000012', 'justice', '900000000012'],
    ]);
    // `case-1` is a prefix of `case-12`, `case-1#child` of nothing else: only its own two.
    expect((await listCaseDocuments(t.db, 'case-1')).map((d) => d.number).sort()).toEqual(['900000000001', 'KS-2026-26734/CN-1']);
    expect(await listCaseDocuments(t.db, 'case-0')).toEqual([]);
  });
});
