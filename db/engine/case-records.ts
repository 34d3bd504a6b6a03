/**
 * Per-dossier service-quality records (Decision 766/QD-TTg): received/settled timestamps, deadline, on-time flag,
 * channel, fields re-used vs collected, electronic result (satisfaction: a column no door fills yet). Written by
 * the case workflow's projection (activities/projection) with its read-model row, in the database function
 * `case_projection_apply` (migration 0013): opened by its first transition, then progress and the one settlement.
 * Functions take (db, params) so they compose inside a transaction; every write is idempotent so retried callers
 * may call them again. The indicators are computed from the read model (db/engine/kpis).
 */
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../connection';
import { caseRecords, type CaseChannel, type CaseStatus } from './schema';

export type CaseRecord = typeof caseRecords.$inferSelect;

export class CaseRecordNotFoundError extends Error {
  readonly code = 'CASE_RECORD_NOT_FOUND';
  constructor(readonly caseId: string) {
    super(`No case record ${caseId}`);
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
  await openCaseRecordIfAbsent(db, c);
  return getCaseRecordOrThrow(db, c.caseId);
}

/**
 * The record as it is opened: received, with the once-only counts. Every column is given: the projection's database
 * function inserts the row whole.
 */
export function receivedRecord(c: CaseReceived): CaseRecord {
  return {
    caseId: c.caseId,
    procedureId: c.procedureId,
    procedureVersion: c.procedureVersion,
    applicantId: c.applicantId,
    channel: c.channel,
    status: 'received',
    receivedAt: c.receivedAt,
    deadlineAt: c.deadlineAt ?? null,
    settledAt: null,
    onTime: null,
    fieldsReused: c.fieldsReused ?? 0,
    fieldsCollected: c.fieldsCollected ?? 0,
    electronicResult: false,
    satisfaction: null,
    updatedAt: c.receivedAt,
  };
}

/** recordCaseReceived without reading the record back (one statement). */
export async function openCaseRecordIfAbsent(db: Executor, c: CaseReceived): Promise<void> {
  await db.insert(caseRecords).values(receivedRecord(c)).onConflictDoNothing();
}

export interface CaseSettlement {
  caseId: string;
  settledAt: string;
  status: Extract<CaseStatus, 'settled' | 'partially_settled' | 'rejected' | 'withdrawn'>;
  electronicResult: boolean;
}

/**
 * Closes the record; the on-time flag compares the settlement with the deadline (no deadline → on time).
 * Only the first settlement counts: a retry returns the record unchanged. The rule is the database function
 * `case_record_settle` (migration 0013), which the projection's write calls too.
 */
export async function settleCase(db: Executor, s: CaseSettlement): Promise<CaseRecord> {
  await db.execute(sql`select case_record_settle(${s.caseId}, ${s.settledAt}::timestamptz, ${s.status}, ${s.electronicResult})`);
  return getCaseRecordOrThrow(db, s.caseId);
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
