/**
 * An agency's work queue stays an index range as it grows: with analyzed statistics, a page (filtered by nothing, or
 * by a procedure that is a small part of the queue) reads the first rows of an index in the page's order and sorts
 * nothing. bench:scale found the unfiltered page sorting every open work item at 40,000 open cases when the table
 * had no statistics. Real PGlite (or DATABASE_URL's Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { listWorkQueue, workQueueQuery } from '../../db/engine/case-lists';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';
import { planOf } from '../support/query-plan';

let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase();
  // 20,000 birth-group cases await the justice officer, 5 death-group ones, and 2,000 await the police.
  await t.db.execute(sql`
    insert into case_work_items (case_id, agency, events, since, due_at, procedure_id, province_code, commune_code)
    select 'B' || lpad(g::text, 6, '0'), 'justice', array['APPROVE_BIRTH'], timestamptz '2026-11-01T00:00:00Z',
           timestamptz '2026-11-10T00:00:00Z' + g * interval '1 minute', 'birth-group', '79', null
      from generate_series(1, 20000) g`);
  await t.db.execute(sql`
    insert into case_work_items (case_id, agency, events, since, due_at, procedure_id, province_code, commune_code)
    select 'D' || g, 'justice', array['APPROVE_DEATH'], timestamptz '2026-11-01T00:00:00Z',
           timestamptz '2026-11-20T00:00:00Z' - g * interval '1 hour', 'death-group', '01', null
      from generate_series(1, 5) g`);
  await t.db.execute(sql`
    insert into case_work_items (case_id, agency, events, since, due_at, procedure_id, province_code, commune_code)
    select 'P' || g, 'police', array['REGISTER_RESIDENCE'], timestamptz '2026-11-01T00:00:00Z', null, 'birth-group', '79', null
      from generate_series(1, 2000) g`);
  await t.db.execute(sql`analyze case_work_items`);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('work-queue page plans', () => {
  it('reads an agency’s page from its queue index, without sorting the queue', async () => {
    const plan = await planOf(t.db, workQueueQuery({ agency: 'justice' }));
    expect(plan).toContain('case_work_items_queue_idx');
    expect(plan).not.toMatch(/\bSort\b/);
    const page = await listWorkQueue(t.db, { agency: 'justice', limit: 3, now: new Date('2026-11-15T00:00:00Z') });
    expect(page.items.map((i) => i.caseId)).toEqual(['B000001', 'B000002', 'B000003']);
    expect(page.items.every((i) => i.overdue)).toBe(true);
  });

  it('reads a page filtered by a rare procedure from the procedure index, in deadline order', async () => {
    const plan = await planOf(t.db, workQueueQuery({ agency: 'justice', procedureId: 'death-group' }));
    expect(plan).toContain('case_work_items_procedure_idx');
    expect(plan).not.toMatch(/\bSort\b|Seq Scan/);
    const page = await listWorkQueue(t.db, { agency: 'justice', procedureId: 'death-group', now: new Date('2026-11-15T00:00:00Z') });
    expect(page.items.map((i) => i.caseId)).toEqual(['D5', 'D4', 'D3', 'D2', 'D1']);
    expect(page.nextCursor).toBeNull();
  });
});
