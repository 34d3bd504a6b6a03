import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRegistries } from '../../activities/registries/audited';
import { PersonNotFoundError } from '../../activities/registries/errors';
import { createPostgresAuditSink, groupCommitOf } from '../../activities/registries/postgres/audit-sink';
import { createPostgresRegistries } from '../../activities/registries/postgres/index';
import type { Registries } from '../../domain/registries';
import { listAudit } from '../../db/engine/audit-queries';
import { verifyAuditChain } from '../../db/engine/audit-chain';
import { households, householdMembers } from '../../db/registries/schema';
import { openTestDatabase, seededRandom, testCtx, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;
let reg: Registries;
let tick = 0;
const clock = () => new Date(Date.UTC(2026, 2, 10, 2, 0, tick++));

beforeAll(async () => {
  t = await openTestDatabase();
  // The registries read the date too ("not in the future"): their own clock, so the audit's ticks stay as counted.
  const raw = createPostgresRegistries(t.db, { random: seededRandom(3), clock: () => new Date(Date.UTC(2026, 2, 10, 2)) });
  reg = auditRegistries(raw, createPostgresAuditSink(t.db), clock);
});
afterAll(async () => {
  await t?.close();
});

const child = {
  fullName: 'Trần Gia Hân',
  dateOfBirth: '2026-03-02',
  sex: 'female' as const,
  ethnicity: 'Kinh',
  nationality: 'VN',
  homeTown: '00004',
  placeOfBirth: '00004',
  registrationProvince: '001',
  fatherId: null,
  motherId: null,
};

describe('audit wrapper with the Postgres sink', () => {
  it('records every call of a case — reads, writes, not-found reads and errors — with its context', async () => {
    const ctx = testCtx('audit-1');
    const person = await reg.population.createPerson(ctx, child);
    await reg.population.createPerson(ctx, child); // idempotent retry: still audited
    expect(await reg.population.getPerson({ ...ctx, fields: ['fullName', 'dateOfBirth'] }, person.personalId)).not.toBeNull();
    expect(await reg.population.getPerson(ctx, '001099000001')).toBeNull();
    await reg.civilStatus.registerBirth(ctx, {
      childId: person.personalId,
      communeCode: '00004',
      registeredAt: '2026-03-10T02:00:00Z',
      medicalBirthNoticeNo: 'GCS-A',
    });
    expect(await reg.civilStatus.findBirthByChild(ctx, '001099000001')).toBeNull();
    await t.db.insert(households).values({ householdId: 'HH-A', headId: person.personalId, provinceCode: '01', communeCode: '00004', street: '1 Phố Huế' });
    await t.db.insert(householdMembers).values({ personalId: person.personalId, householdId: 'HH-A', relationToHead: 'head', since: '2026-03-10' });
    expect(await reg.residence.getHouseholdOf({ ...ctx, agency: 'police' }, person.personalId)).not.toBeNull();
    expect(await reg.socialInsurance.getCardOf({ ...ctx, agency: 'vss' }, person.personalId)).toBeNull();
    await expect(
      reg.socialInsurance.issueHealthInsuranceCard({ ...ctx, agency: 'vss' }, { personalId: '001099000001', provinceCode: '01', validFrom: '2026-03-10', beneficiaryGroup: 'TE' }),
    ).rejects.toBeInstanceOf(PersonNotFoundError);

    const rows = await listAudit(t.db, { caseId: 'audit-1' });
    expect(rows.map((r) => [r.registry, r.operation, r.kind, r.outcome])).toEqual([
      ['population', 'createPerson', 'write', 'ok'],
      ['population', 'createPerson', 'write', 'ok'],
      ['population', 'getPerson', 'read', 'ok'],
      ['population', 'getPerson', 'read', 'not_found'],
      ['civilStatus', 'registerBirth', 'write', 'ok'],
      ['civilStatus', 'findBirthByChild', 'read', 'not_found'],
      ['residence', 'getHouseholdOf', 'read', 'ok'],
      ['socialInsurance', 'getCardOf', 'read', 'not_found'],
      ['socialInsurance', 'issueHealthInsuranceCard', 'write', 'error'],
    ]);
    expect(rows[0].subjectId).toBe(person.personalId); // the new person's ID, known only after the write
    expect(rows[2].fields).toEqual(['fullName', 'dateOfBirth']); // minimisation: what the caller asked for
    expect(rows[3].subjectId).toBe('001099000001');
    expect(rows[6].ctx).toEqual({ ...ctx, agency: 'police' });
    expect(rows[0].at).toBe('2026-03-10T02:00:00.000Z');
  });

  it('answers "who read my data": entries by subject across cases', async () => {
    const ctxA = testCtx('audit-2a', { purpose: 'permanent residence', agency: 'police', actor: 'officer:77' });
    const ctxB = testCtx('audit-2b', { purpose: 'health-insurance card', agency: 'vss' });
    const p = await reg.population.createPerson(testCtx('audit-2'), { ...child, fullName: 'Phạm Quốc Bảo', sex: 'male' });
    await reg.population.getPerson(ctxA, p.personalId);
    await reg.population.getPerson(ctxB, p.personalId);
    const rows = await listAudit(t.db, { subjectId: p.personalId });
    expect(rows.map((r) => [r.ctx.caseId, r.ctx.agency, r.ctx.purpose, r.ctx.actor])).toEqual([
      ['audit-2', 'justice', 'register the birth of a child', 'system'],
      ['audit-2a', 'police', 'permanent residence', 'officer:77'],
      ['audit-2b', 'vss', 'health-insurance card', 'system'],
    ]);
    expect(await listAudit(t.db, { subjectId: p.personalId, agency: 'vss' })).toHaveLength(1);
  });

  it('group commit: concurrent reads share statements, each hands its result back only once its entry is committed', async () => {
    const p = await reg.population.createPerson(testCtx('audit-gc'), { ...child, fullName: 'Lê Gia Bảo' });
    const grouped = auditRegistries(createPostgresRegistries(t.db, { random: seededRandom(5) }), createPostgresAuditSink(t.db, { groupCommit: true }), clock);
    const group = groupCommitOf(t.db);
    const before = { ...group.stats };
    const reads = Array.from({ length: 40 }, (_, i) =>
      grouped.population.getPerson({ ...testCtx(`audit-gc-${i}`), fields: ['fullName'] }, p.personalId).then(async (person) => {
        // When the read answers, its own entry is already in the table.
        const mine = await listAudit(t.db, { caseId: `audit-gc-${i}` });
        return { person, mine: mine.length };
      }),
    );
    const results = await Promise.all(reads);
    for (const r of results) expect(r).toEqual({ person: expect.objectContaining({ fullName: 'Lê Gia Bảo' }), mine: 1 });
    expect(group.stats.writes - before.writes).toBe(40);
    // Fewer statements than entries (40 reads at once: the first goes alone, the rest wait for it and go together).
    expect(group.stats.batches - before.batches).toBeLessThan(40);
    // Every grouped entry is on the day's hash chain, in one unbroken chain with the others.
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('group commit: an entry the database refuses fails its own call only', async () => {
    const sink = createPostgresAuditSink(t.db, { groupCommit: true });
    const entry = (caseId: string, purpose: string | null) => ({
      at: clock().toISOString(),
      registry: 'population' as const,
      operation: 'getPerson',
      kind: 'read' as const,
      subjectId: null,
      fields: ['fullName'],
      outcome: 'ok' as const,
      ctx: { ...testCtx(caseId), purpose: purpose as string },
    });
    // Recorded in the same turn: one batch, which the database refuses whole (purpose is NOT NULL), then one by one.
    const outcomes = await Promise.allSettled([sink.record(entry('audit-gc-ok-1', 'x')), sink.record(entry('audit-gc-bad', null)), sink.record(entry('audit-gc-ok-2', 'y'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await listAudit(t.db, { caseId: 'audit-gc-ok-1' })).toHaveLength(1);
    expect(await listAudit(t.db, { caseId: 'audit-gc-ok-2' })).toHaveLength(1);
    expect(await listAudit(t.db, { caseId: 'audit-gc-bad' })).toHaveLength(0);
  });

  it('fails the call when the audit cannot be written', async () => {
    const raw = createPostgresRegistries(t.db, { random: seededRandom(4) });
    const broken = auditRegistries(raw, { record: async () => { throw new Error('sink down'); } }, clock);
    await expect(broken.population.getPerson(testCtx('audit-3'), '001099000001')).rejects.toThrow('sink down');
  });
});
