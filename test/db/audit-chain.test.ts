/**
 * The tamper-evident audit log (db/engine/audit-chain.ts, migration 0009): every writer keeps one valid chain, a
 * registry write and its audit entry commit together, and `verify` names every row modified, inserted or deleted by
 * direct SQL, and every anchor edited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { createAuditedPostgresRegistries } from '../../activities/registries/postgres/atomic';
import type { NewPerson, Registries } from '../../domain/registries';
import { auditRowHash, anchorClosedDays, verifyAuditChain } from '../../db/engine/audit-chain';
import { insertAuditEntries } from '../../db/engine/audit-queries';
import { auditAnchors, auditLog } from '../../db/engine/schema';
import { persons } from '../../db/registries/schema';
import { recordOperatorAction } from '../../ops/audit';
import { runCommand } from '../../ops/main';
import type { Client } from '@temporalio/client';
import { openTestDatabase, seededRandom, testCtx, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;
let reg: Registries;
const clock = () => new Date('2026-03-10T02:00:00Z');

const newborn = (fullName: string): NewPerson => ({
  fullName,
  dateOfBirth: '2026-03-01',
  sex: 'female',
  ethnicity: 'Kinh',
  nationality: 'VN',
  homeTown: '00004',
  placeOfBirth: '00004',
  registrationProvince: '001',
  fatherId: null,
  motherId: null,
});

beforeAll(async () => {
  t = await openTestDatabase();
  reg = createAuditedPostgresRegistries(t.db, clock, { random: seededRandom(11), clock });
});
afterAll(async () => {
  await t?.close();
});

/** Runs `ops audit …` in process; returns exit code and output. */
async function ops(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCommand({ client: undefined as unknown as Client, db: t.db }, ['audit', ...argv], {}, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

/** Inserts with the chain trigger off, as someone editing the table by hand would. */
async function rawInsert(values: typeof auditLog.$inferInsert): Promise<number> {
  return t.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    const [row] = await tx.insert(auditLog).values(values).returning({ id: auditLog.id });
    return row.id;
  });
}

describe('audit hash chain', () => {
  it('keeps one valid chain under concurrent writers of every kind', async () => {
    // Registry reads and writes, concurrent, plus operator actions: all on one chain per day.
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => reg.population.getPerson(testCtx(`chain-read-${i}`), '001099000001')),
      ...Array.from({ length: 6 }, (_, i) => reg.population.createPerson(testCtx(`chain-write-${i}`), newborn(`Lê Thị Chuỗi ${i}`))),
      ...Array.from({ length: 4 }, (_, i) =>
        recordOperatorAction(t.db, {
          operator: { id: 'op-1' },
          action: 'retry',
          reason: 'registry outage',
          caseId: `chain-op-${i}`,
          procedureId: 'birth-group',
          procedureVersion: 1,
          outcome: 'ok',
          at: clock().toISOString(),
        }),
      ),
    ]);
    const rows = await t.db.select().from(auditLog).orderBy(asc(auditLog.chainDay), asc(auditLog.chainSeq));
    expect(rows.length).toBe(22);
    // One place per row, no gap, each row linked to the one before it.
    expect(rows.map((r) => Number(r.chainSeq))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect((await ops('verify')).code).toBe(0);
  });

  it('commits a registry write and its audit entry together, or neither', async () => {
    // The audit entry cannot be written (procedure version out of range for its column): the person is not created.
    const caseId = 'chain-atomic-1';
    await expect(reg.population.createPerson(testCtx(caseId, { procedureVersion: 2 ** 40 }), newborn('Phạm Văn Nguyên Tử'))).rejects.toThrow();
    expect(await t.db.select().from(persons).where(eq(persons.fullName, 'Phạm Văn Nguyên Tử'))).toEqual([]);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.caseId, caseId))).toEqual([]);
    // The registry write fails (the household does not exist): no write and no entry saying it happened, only the
    // failed attempt (outcome error).
    const failing = 'chain-atomic-2';
    await expect(
      reg.residence.addPermanentMember(testCtx(failing, { agency: 'police' }), { householdId: 'HH-NONE', personalId: '001099000001', relationToHead: 'child', headConsentRef: 'c-1' }),
    ).rejects.toThrow();
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.caseId, failing));
    expect(entries.map((e) => e.outcome)).toEqual(['error']);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('hands a registry read back only once its audit entry is committed: a read whose entry fails, fails', async () => {
    // Reads run outside a transaction (a write and its entry share one); the entry is still written before the result.
    const { personalId } = await reg.population.createPerson(testCtx('read-entry-0'), newborn('Đỗ Thị Đọc'));
    const caseId = 'read-entry-1';
    await expect(reg.population.getPerson(testCtx(caseId, { procedureVersion: 2 ** 40 }), personalId)).rejects.toThrow(/insert into audit_log/);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.caseId, caseId))).toEqual([]);
    const ok = 'read-entry-2';
    expect((await reg.population.getPerson(testCtx(ok), personalId))?.fullName).toBe('Đỗ Thị Đọc');
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.caseId, ok));
    expect(entries.map((e) => [e.operation, e.kind, e.outcome, e.subjectId])).toEqual([['getPerson', 'read', 'ok', personalId]]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('chains rows written before the migration (backfill) and anchors their closed days', async () => {
    // Rows of past days written without the chain (as before migration 0009): hash ''.
    const base = { registry: 'population', operation: 'getPerson', kind: 'read' as const, subjectId: '001099000001', fields: ['fullName'], outcome: 'ok' as const, procedureId: 'birth-group', procedureVersion: 1, agency: 'justice', purpose: 'p', legalBasis: 'lb', actor: 'system' };
    for (const [day, n] of [['2020-01-01', 3], ['2020-01-02', 4]] as const) {
      for (let i = 0; i < n; i++) await rawInsert({ ...base, at: `${day}T0${i}:00:00Z`, caseId: `legacy-${day}-${i}`, chainDay: day, chainSeq: 0, prevHash: '', hash: '' });
    }
    await t.db.execute(sql`select audit_chain_backfill()`);
    const anchors = await t.db.select().from(auditAnchors).orderBy(asc(auditAnchors.day));
    expect(anchors.map((a) => [a.day, Number(a.rowCount)])).toEqual([['2020-01-01', 3], ['2020-01-02', 4]]);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    expect(await anchorClosedDays(t.db)).toEqual([]); // nothing left to anchor
    const listed = await ops('anchors', '--from', '2020-01-01', '--to', '2020-01-31');
    expect(listed.out).toContain('2020-01-02  4 row(s)');
  });

  it('names each row modified, inserted or deleted by direct SQL, and an edited anchor; exits non-zero', async () => {
    const today = await t.db.select().from(auditLog).where(sql`${auditLog.caseId} like 'chain-%'`).orderBy(asc(auditLog.chainSeq));
    const day = today[0].chainDay;
    const [modified, deleted, forgedAfter] = [today[2], today[6], today[10]];
    // 1. A field edited.
    await t.db.update(auditLog).set({ purpose: 'nothing to see here' }).where(eq(auditLog.id, modified.id));
    // 2. A row deleted.
    await t.db.delete(auditLog).where(eq(auditLog.id, deleted.id));
    // 3. A forged row slipped in after another, with a hash that is right for its own content.
    const forged = {
      ...forgedAfter,
      id: undefined,
      caseId: 'forged',
      at: '2026-03-10T02:00:00Z',
      prevHash: today[9].hash,
    };
    const canonical = { ...forged, atUtc: '2026-03-10T02:00:00.000000Z', chainSeq: Number(forgedAfter.chainSeq), id: 0 };
    const forgedId = await rawInsert({ ...forged, id: undefined, hash: '' });
    await t.db
      .update(auditLog)
      .set({ hash: auditRowHash({ ...canonical, id: forgedId }) })
      .where(eq(auditLog.id, forgedId));
    // 4. An anchor edited.
    await t.db.update(auditAnchors).set({ rowCount: 2 }).where(eq(auditAnchors.day, '2020-01-01'));

    const report = await verifyAuditChain(t.db);
    expect(report.ok).toBe(false);
    const found = report.problems.map((p) => [p.kind, p.day, p.rowId ?? null]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['ROW_MODIFIED', day, modified.id],
        ['ROWS_DELETED', day, today[7].id],
        ['ROW_INSERTED', day, forgedId],
        ['ANCHOR_MISMATCH', '2020-01-01', null],
      ]),
    );
    expect(report.problems).toHaveLength(4);
    expect(report.problems.find((p) => p.kind === 'ROWS_DELETED')!.message).toContain(`#${deleted.chainSeq}`);

    const cli = await ops('verify', '--from', day, '--to', day);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`ROW_MODIFIED row ${modified.id}`);
    expect(cli.out).toContain(`ROW_INSERTED row ${forgedId}`);
    expect(cli.out).not.toContain('ANCHOR_MISMATCH'); // 2020-01-01 is outside the range
    // A deleted last row: the chain head still counts it.
    const last = await t.db.select().from(auditLog).where(eq(auditLog.chainDay, '2020-01-02')).orderBy(asc(auditLog.chainSeq));
    await t.db.delete(auditLog).where(and(eq(auditLog.chainDay, '2020-01-02'), eq(auditLog.id, last[last.length - 1].id)));
    const tail = await verifyAuditChain(t.db, { from: '2020-01-02', to: '2020-01-02' });
    expect(tail.problems.map((p) => p.kind)).toEqual(['ROWS_DELETED', 'ANCHOR_MISMATCH']);
  });

  it('refuses options audit verify does not take and days that are not days', async () => {
    await expect(ops('verify', '--from', '2026-13-45')).rejects.toThrow(/YYYY-MM-DD/);
    await expect(ops('verify', '--reason', 'x')).rejects.toThrow(/has no option --reason/);
    await expect(ops('verify', '--dry-run')).rejects.toThrow(/no --dry-run/);
  });
});

describe('a batch of audit entries', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await openTestDatabase();
  });
  afterAll(async () => {
    await own?.close();
  });

  it('writes a batch of entries in the order given, every field as given, and chains them in that order', async () => {
    const caseId = `batch-${Date.now()}`;
    const entries = [0, 1, 2, 3, 4].map((k) => ({
      at: `2026-03-10T02:00:0${k}.123Z`,
      registry: 'population' as const,
      operation: `op-${k}`,
      kind: k === 4 ? ('write' as const) : ('read' as const),
      subjectId: k === 2 ? null : `0010000000${k}`,
      fields: k === 3 ? [] : ['fullName', `f"${k}`],
      outcome: k === 1 ? ('not_found' as const) : ('ok' as const),
      ctx: { ...testCtx(caseId), ...(k === 4 ? { decidedBy: 'officer:justice:j-1' } : {}) },
    }));
    await insertAuditEntries(own.db, entries);
    const rows = await own.db.select().from(auditLog).where(eq(auditLog.caseId, caseId)).orderBy(asc(auditLog.id));
    expect(rows.map((r) => r.operation)).toEqual(['op-0', 'op-1', 'op-2', 'op-3', 'op-4']);
    for (const [k, r] of rows.entries()) {
      const e = entries[k];
      expect(new Date(r.at).toISOString()).toBe(e.at);
      expect(r).toMatchObject({ registry: e.registry, kind: e.kind, subjectId: e.subjectId, fields: e.fields, outcome: e.outcome });
      expect(r).toMatchObject({ procedureId: e.ctx.procedureId, procedureVersion: e.ctx.procedureVersion, agency: e.ctx.agency, purpose: e.ctx.purpose });
      expect(r).toMatchObject({ legalBasis: e.ctx.legalBasis, actor: e.ctx.actor, decidedBy: e.ctx.decidedBy ?? null });
    }
    // Chained in the order given: each row's previous hash is the row before it (no other writer runs here).
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k].chainSeq).toBe(rows[k - 1].chainSeq + 1);
      expect(rows[k].prevHash).toBe(rows[k - 1].hash);
    }
    expect((await verifyAuditChain(own.db)).ok).toBe(true);
  });
});
