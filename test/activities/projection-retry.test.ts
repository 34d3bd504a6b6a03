/**
 * Regression of `npm run bench:chaos` (seed 5): a workflow task whose first attempt projected a transition and then
 * died uncommitted is retried; the retry projects the same transition with its own time, and the history keeps the
 * retry's. The read model kept the first attempt's (settledAt two seconds off the history). The same transition
 * applied again now replaces it; an older one still never overwrites a newer. Real PGlite (or DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { applyCaseRows, applyCaseRowsGrouped, getCaseView, projectionGroupOf, type CaseRecordWrite } from '../../db/engine/case-views';
import { getCaseRecord, receivedRecord } from '../../db/engine/case-records';
import type { CaseRows } from '../../db/engine/case-rows';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

function rows(seq: number, settledAt: string | null): CaseRows {
  return {
    view: {
      caseId: 'retried-case',
      seq,
      procedureId: 'birth-group',
      procedureVersion: 1,
      applicantId: null,
      channel: 'portal',
      agencies: ['justice'],
      provinceCode: '01',
      communeCode: null,
      status: settledAt ? 'closed' : 'in_progress',
      outcome: settledAt ? 'completed' : null,
      activeStates: [],
      receivedAt: '2026-12-01T00:00:00.000Z',
      dossierCompleteAt: '2026-12-01T00:00:00.000Z',
      settledAt,
      deadlineAt: '2026-12-05T16:59:59.999Z',
      onTime: settledAt ? true : null,
      settlementWorkingDays: settledAt ? 1 : null,
      fieldsReused: 0,
      fieldsCollected: 0,
      populationDataUsed: false,
      electronicResult: false,
      snapshot: { attempt: settledAt },
    },
    parties: [],
    steps: [],
    decisions: [],
    fields: [],
    workItems: [],
  };
}

describe('a projection retried by a workflow task retry', () => {
  it('the retry of the same transition replaces the dead attempt; an older transition never overwrites', async () => {
    await applyCaseRows(t.db, rows(3, null), '2026-12-02T04:50:40.000Z');
    expect((await applyCaseRows(t.db, rows(4, '2026-12-02T04:50:44.479Z'), '2026-12-02T04:50:44.479Z')).applied).toBe(true);
    // The retry (same transition, its own time): it is what the history holds.
    expect((await applyCaseRows(t.db, rows(4, '2026-12-02T04:50:46.062Z'), '2026-12-02T04:50:46.062Z')).applied).toBe(true);
    expect((await getCaseView(t.db, 'retried-case'))).toMatchObject({ seq: 4, settledAt: '2026-12-02T04:50:46.062Z' });
    expect((await applyCaseRows(t.db, rows(3, null), '2026-12-02T04:50:47.000Z')).applied).toBe(false);
    expect((await getCaseView(t.db, 'retried-case'))).toMatchObject({ seq: 4, status: 'closed' });
  });
});

describe('projections by group commit', () => {
  const ofCase = (caseId: string, seq: number, settledAt: string | null = null): CaseRows => {
    const r = rows(seq, settledAt);
    return { ...r, view: { ...r.view, caseId } };
  };

  it('projections of many cases made at once share statements; each resolves with its own result, once committed', async () => {
    const group = projectionGroupOf(t.db);
    const before = { ...group.stats };
    const ids = Array.from({ length: 30 }, (_, i) => `grouped-${String(i).padStart(2, '0')}`);
    const results = await Promise.all(
      ids.map((id) => applyCaseRowsGrouped(t.db, ofCase(id, 1), '2026-12-02T05:00:00.000Z').then(async (r) => ({ ...r, stored: (await getCaseView(t.db, id))?.seq }))),
    );
    // Each one's own row is there when its promise resolves.
    expect(results).toEqual(ids.map(() => ({ applied: true, stored: 1 })));
    expect(group.stats.writes - before.writes).toBe(30);
    expect(group.stats.batches - before.batches).toBeLessThan(30);
  });

  it('in one batch, a newer transition of a case wins over an older one whatever their order; each says whether it was applied', async () => {
    const [newer, older, again] = await Promise.all([
      applyCaseRowsGrouped(t.db, ofCase('grouped-order', 5, '2026-12-02T05:01:00.000Z'), '2026-12-02T05:01:00.000Z'),
      applyCaseRowsGrouped(t.db, ofCase('grouped-order', 4), '2026-12-02T05:00:59.000Z'),
      applyCaseRowsGrouped(t.db, ofCase('grouped-order', 5, '2026-12-02T05:01:00.000Z'), '2026-12-02T05:01:00.000Z'),
    ]);
    expect([newer.applied, older.applied, again.applied]).toEqual([true, false, true]);
    expect(await getCaseView(t.db, 'grouped-order')).toMatchObject({ seq: 5, status: 'closed' });
  });

  it('a batch the database refuses is applied again document by document: one bad document fails its own call only', async () => {
    const bad = ofCase('grouped-bad', 1);
    // A transition number that is no number: the function raises, and the whole statement is rolled back.
    (bad.view as unknown as { seq: string }).seq = 'not-a-number';
    const outcomes = await Promise.allSettled([
      applyCaseRowsGrouped(t.db, ofCase('grouped-ok-1', 1), '2026-12-02T05:02:00.000Z'),
      applyCaseRowsGrouped(t.db, bad, '2026-12-02T05:02:00.000Z'),
      applyCaseRowsGrouped(t.db, ofCase('grouped-ok-2', 1), '2026-12-02T05:02:00.000Z'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await getCaseView(t.db, 'grouped-ok-1'))?.seq).toBe(1);
    expect((await getCaseView(t.db, 'grouped-ok-2'))?.seq).toBe(1);
    expect(await getCaseView(t.db, 'grouped-bad')).toBeNull();
  });
});

describe('a transition rewrites only the kinds of child rows that changed', () => {
  const withChildren = (seq: number, step: { completedAt: string | null }): CaseRows => ({
    ...rows(seq, null),
    view: { ...rows(seq, null).view, caseId: 'digest-case' },
    parties: [{ caseId: 'digest-case', personalId: '001190000001', role: 'applicant', receivedAt: '2026-12-01T00:00:00.000Z' }],
    steps: [{ caseId: 'digest-case', step: 'birthRegistration', agency: 'justice', startedAt: '2026-12-01T00:00:00.000Z', dueAt: null, completedAt: step.completedAt, onTime: null, workingDays: 3 }],
  });
  const stored = async () => ({
    parties: (await t.db.execute(sql`select role from case_parties where case_id = 'digest-case'`)) as unknown,
    steps: (await t.db.execute(sql`select completed_at from case_steps where case_id = 'digest-case'`)) as unknown,
  });
  const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? (r as unknown[])) as Record<string, unknown>[];

  it('unchanged parties are left as stored, changed steps are replaced, a repair rewrites everything', async () => {
    await applyCaseRows(t.db, withChildren(1, { completedAt: null }), '2026-12-01T00:00:01.000Z');
    // A stored party row changed behind the writer's back shows whether the next transition rewrote it.
    await t.db.execute(sql`update case_parties set role = 'tampered' where case_id = 'digest-case'`);
    await applyCaseRows(t.db, withChildren(2, { completedAt: '2026-12-01T10:00:00.000Z' }), '2026-12-01T10:00:00.000Z');
    let now = await stored();
    expect(rowsOf(now.parties).map((r) => r.role)).toEqual(['tampered']);
    expect(rowsOf(now.steps).map((r) => new Date(String(r.completed_at)).toISOString())).toEqual(['2026-12-01T10:00:00.000Z']);
    await applyCaseRows(t.db, withChildren(2, { completedAt: '2026-12-01T10:00:00.000Z' }), '2026-12-01T10:00:01.000Z', { repair: true });
    now = await stored();
    expect(rowsOf(now.parties).map((r) => r.role)).toEqual(['applicant']);
    // Readers never see the bookkeeping column.
    expect(Object.keys((await getCaseView(t.db, 'digest-case'))!)).not.toContain('childrenDigest');
  });
});

describe('the service-quality record, kept by the same statement as the projection', () => {
  const at = (seq: number, settledAt: string | null): CaseRows => ({ ...rows(seq, settledAt), view: { ...rows(seq, settledAt).view, caseId: 'record-case' } });
  const record = (now: string, settledAt: string | null, status: string): CaseRecordWrite => ({
    open: receivedRecord({ caseId: 'record-case', procedureId: 'birth-group', procedureVersion: 1, applicantId: null, channel: 'portal', receivedAt: '2026-12-01T00:00:00.000Z', deadlineAt: '2026-12-05T16:59:59.999Z' }),
    progress: { at: settledAt ?? now, status: settledAt ? null : status, deadlineAt: '2026-12-05T16:59:59.999Z' },
    settle: settledAt ? { settledAt, status, electronicResult: true } : null,
  });

  it('opens a missing record with the first transition applied, never moves it back, and settles it once', async () => {
    // A case whose first projection predates the record: its next transition opens it.
    expect(await getCaseRecord(t.db, 'record-case')).toBeNull();
    await applyCaseRows(t.db, at(2, null), '2026-12-02T01:00:00.000Z', { record: record('2026-12-02T01:00:00.000Z', null, 'in_progress') });
    expect(await getCaseRecord(t.db, 'record-case')).toMatchObject({ status: 'in_progress', updatedAt: '2026-12-02T01:00:00.000Z', settledAt: null, electronicResult: false });
    // A late, older transition is not applied: the record does not move either.
    const late = await applyCaseRows(t.db, at(1, null), '2026-12-02T02:00:00.000Z', { record: record('2026-12-02T02:00:00.000Z', null, 'supplement_requested') });
    expect(late.applied).toBe(false);
    expect(await getCaseRecord(t.db, 'record-case')).toMatchObject({ status: 'in_progress', updatedAt: '2026-12-02T01:00:00.000Z' });
    // Closed before the deadline: settled on time; the same transition again (a retried task, its own time) keeps the first settlement.
    await applyCaseRows(t.db, at(3, '2026-12-03T10:00:00.000Z'), '2026-12-03T10:00:00.000Z', { record: record('2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z', 'settled') });
    await applyCaseRows(t.db, at(3, '2026-12-06T10:00:00.000Z'), '2026-12-06T10:00:00.000Z', { record: record('2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z', 'settled') });
    expect(await getCaseRecord(t.db, 'record-case')).toMatchObject({ status: 'settled', settledAt: '2026-12-03T10:00:00.000Z', onTime: true, electronicResult: true });
    expect(await getCaseView(t.db, 'record-case')).toMatchObject({ seq: 3, settledAt: '2026-12-06T10:00:00.000Z' });
  });
});

describe("the API's row at submission (transition 0)", () => {
  const at = (seq: number): CaseRows => ({ ...rows(seq, null), view: { ...rows(seq, null).view, caseId: 'submitted-case', snapshot: { seq } } });

  it('is written when the case has no row, and never overwrites the workflow’s projection', async () => {
    expect((await applyCaseRows(t.db, at(0), '2026-12-01T00:00:00.000Z')).applied).toBe(true);
    expect(await getCaseView(t.db, 'submitted-case')).toMatchObject({ seq: 0 });
    expect((await applyCaseRows(t.db, at(1), '2026-12-01T00:00:01.000Z')).applied).toBe(true);
    // A slow submission's row arriving after the first projection changes nothing.
    expect((await applyCaseRows(t.db, at(0), '2026-12-01T00:00:02.000Z')).applied).toBe(false);
    expect(await getCaseView(t.db, 'submitted-case')).toMatchObject({ seq: 1, snapshot: { seq: 1 }, projectedAt: '2026-12-01T00:00:01.000Z' });
  });
});
