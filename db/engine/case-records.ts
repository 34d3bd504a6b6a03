/**
 * Per-dossier service-quality records (Decision 766/QD-TTg): received/settled timestamps, deadline, on-time flag,
 * channel, fields re-used vs collected, electronic result, satisfaction. Functions take (db, params) so they compose
 * inside a transaction; every write is idempotent so retried activities may call them again.
 */
import { and, asc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../connection';
import { caseRecords, type CaseChannel, type CaseStatus } from './schema';

export type CaseRecord = typeof caseRecords.$inferSelect;

export class CaseRecordNotFoundError extends Error {
  readonly code = 'CASE_RECORD_NOT_FOUND';
  constructor(readonly caseId: string) {
    super(`No case record ${caseId}`);
  }
}

export class InvalidSatisfactionError extends Error {
  readonly code = 'INVALID_SATISFACTION';
  constructor(readonly score: number) {
    super(`Satisfaction must be an integer from 1 to 5, got ${score}`);
  }
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
function normalise(r: CaseRecord): CaseRecord {
  return { ...r, receivedAt: iso(r.receivedAt)!, deadlineAt: iso(r.deadlineAt), settledAt: iso(r.settledAt), updatedAt: iso(r.updatedAt)! };
}

export interface CaseReceived {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  applicantId: string | null;
  channel: CaseChannel;
  receivedAt: string;
  deadlineAt?: string | null;
  fieldsReused?: number;
  fieldsCollected?: number;
}

/** Opens the record when a dossier arrives. A second call for the same case keeps the first record. */
export async function recordCaseReceived(db: Executor, c: CaseReceived): Promise<CaseRecord> {
  await db
    .insert(caseRecords)
    .values({
      caseId: c.caseId,
      procedureId: c.procedureId,
      procedureVersion: c.procedureVersion,
      applicantId: c.applicantId,
      channel: c.channel,
      status: 'received',
      receivedAt: c.receivedAt,
      deadlineAt: c.deadlineAt ?? null,
      fieldsReused: c.fieldsReused ?? 0,
      fieldsCollected: c.fieldsCollected ?? 0,
      updatedAt: c.receivedAt,
    })
    .onConflictDoNothing();
  return getCaseRecordOrThrow(db, c.caseId);
}

export interface CaseProgress {
  caseId: string;
  at: string;
  status?: CaseStatus;
  deadlineAt?: string | null;
  fieldsReused?: number;
  fieldsCollected?: number;
}

/** Status, deadline (e.g. extended when verification is needed) and once-only counts. Absolute values: idempotent. */
export async function updateCaseProgress(db: Executor, p: CaseProgress): Promise<CaseRecord> {
  const set: Partial<typeof caseRecords.$inferInsert> = { updatedAt: p.at };
  if (p.status !== undefined) set.status = p.status;
  if (p.deadlineAt !== undefined) set.deadlineAt = p.deadlineAt;
  if (p.fieldsReused !== undefined) set.fieldsReused = p.fieldsReused;
  if (p.fieldsCollected !== undefined) set.fieldsCollected = p.fieldsCollected;
  const [row] = await db.update(caseRecords).set(set).where(eq(caseRecords.caseId, p.caseId)).returning();
  if (!row) throw new CaseRecordNotFoundError(p.caseId);
  return normalise(row);
}

export interface CaseSettlement {
  caseId: string;
  settledAt: string;
  status: Extract<CaseStatus, 'settled' | 'partially_settled' | 'rejected' | 'withdrawn'>;
  electronicResult: boolean;
}

/**
 * Closes the record; the on-time flag compares the settlement with the deadline (no deadline → on time).
 * Only the first settlement counts: a retry returns the record unchanged.
 */
export async function settleCase(db: Executor, s: CaseSettlement): Promise<CaseRecord> {
  await db
    .update(caseRecords)
    .set({
      settledAt: s.settledAt,
      status: s.status,
      electronicResult: s.electronicResult,
      onTime: sql`(${caseRecords.deadlineAt} is null or ${s.settledAt}::timestamptz <= ${caseRecords.deadlineAt})`,
      updatedAt: s.settledAt,
    })
    .where(and(eq(caseRecords.caseId, s.caseId), isNull(caseRecords.settledAt)));
  return getCaseRecordOrThrow(db, s.caseId);
}

export async function recordSatisfaction(db: Executor, p: { caseId: string; score: number; at: string }): Promise<CaseRecord> {
  if (!Number.isInteger(p.score) || p.score < 1 || p.score > 5) throw new InvalidSatisfactionError(p.score);
  const [row] = await db
    .update(caseRecords)
    .set({ satisfaction: p.score, updatedAt: p.at })
    .where(eq(caseRecords.caseId, p.caseId))
    .returning();
  if (!row) throw new CaseRecordNotFoundError(p.caseId);
  return normalise(row);
}

export async function getCaseRecord(db: Executor, caseId: string): Promise<CaseRecord | null> {
  const [row] = await db.select().from(caseRecords).where(eq(caseRecords.caseId, caseId)).limit(1);
  return row ? normalise(row) : null;
}

async function getCaseRecordOrThrow(db: Executor, caseId: string): Promise<CaseRecord> {
  const r = await getCaseRecord(db, caseId);
  if (!r) throw new CaseRecordNotFoundError(caseId);
  return r;
}

export interface CaseQuery {
  procedureId?: string;
  applicantId?: string;
  status?: CaseStatus;
  /** Received at or after (ISO). */
  from?: string;
  /** Received before (ISO). */
  to?: string;
  limit?: number;
}

function whereOf(q: CaseQuery): SQL | undefined {
  const w: SQL[] = [];
  if (q.procedureId !== undefined) w.push(eq(caseRecords.procedureId, q.procedureId));
  if (q.applicantId !== undefined) w.push(eq(caseRecords.applicantId, q.applicantId));
  if (q.status !== undefined) w.push(eq(caseRecords.status, q.status));
  if (q.from !== undefined) w.push(gte(caseRecords.receivedAt, q.from));
  if (q.to !== undefined) w.push(lt(caseRecords.receivedAt, q.to));
  return w.length ? and(...w) : undefined;
}

export async function listCaseRecords(db: Executor, q: CaseQuery = {}): Promise<CaseRecord[]> {
  const rows = await db
    .select()
    .from(caseRecords)
    .where(whereOf(q))
    .orderBy(asc(caseRecords.receivedAt), asc(caseRecords.caseId))
    .limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map(normalise);
}

export interface ServiceQualitySummary {
  total: number;
  settled: number;
  settledOnTime: number;
  /** Progress indicator: share of settled dossiers settled on or before the deadline (null when none settled). */
  onTimeShare: number | null;
  electronicResultShare: number | null;
  /** Digitisation: re-used fields / (re-used + collected). */
  reuseShare: number | null;
  averageSatisfaction: number | null;
  satisfactionResponses: number;
}

export async function serviceQualitySummary(db: Executor, q: Omit<CaseQuery, 'limit' | 'status'> = {}): Promise<ServiceQualitySummary> {
  const [r] = await db
    .select({
      total: sql<number>`count(*)::int`,
      settled: sql<number>`count(${caseRecords.settledAt})::int`,
      onTime: sql<number>`count(*) filter (where ${caseRecords.onTime})::int`,
      electronic: sql<number>`count(*) filter (where ${caseRecords.settledAt} is not null and ${caseRecords.electronicResult})::int`,
      reused: sql<number>`coalesce(sum(${caseRecords.fieldsReused}), 0)::int`,
      collected: sql<number>`coalesce(sum(${caseRecords.fieldsCollected}), 0)::int`,
      satisfactionSum: sql<number>`coalesce(sum(${caseRecords.satisfaction}), 0)::int`,
      satisfactionN: sql<number>`count(${caseRecords.satisfaction})::int`,
    })
    .from(caseRecords)
    .where(whereOf(q));
  const n = (v: unknown) => Number(v);
  const settled = n(r.settled);
  const fields = n(r.reused) + n(r.collected);
  const sn = n(r.satisfactionN);
  return {
    total: n(r.total),
    settled,
    settledOnTime: n(r.onTime),
    onTimeShare: settled ? n(r.onTime) / settled : null,
    electronicResultShare: settled ? n(r.electronic) / settled : null,
    reuseShare: fields ? n(r.reused) / fields : null,
    averageSatisfaction: sn ? n(r.satisfactionSum) / sn : null,
    satisfactionResponses: sn,
  };
}
