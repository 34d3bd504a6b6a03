/** Query module for the audit log. Functions take (db, params) so they compose inside a transaction. */
import { and, asc, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { AccessContext, AgencyId, AuditEntry, RegistryName } from '../../domain/registries';
import type { Executor } from '../connection';
import { auditLog } from './schema';

export async function insertAuditEntry(db: Executor, e: AuditEntry): Promise<void> {
  await insertAuditEntries(db, [e]);
}

/** Several entries in one statement, chained in the order given (the chain trigger runs per row). */
export async function insertAuditEntries(db: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries.map(auditRow));
}

function auditRow(e: AuditEntry): typeof auditLog.$inferInsert {
  return {
    at: e.at,
    registry: e.registry,
    operation: e.operation,
    kind: e.kind,
    subjectId: e.subjectId,
    fields: [...e.fields],
    outcome: e.outcome,
    procedureId: e.ctx.procedureId,
    procedureVersion: e.ctx.procedureVersion,
    caseId: e.ctx.caseId,
    agency: e.ctx.agency,
    purpose: e.ctx.purpose,
    legalBasis: e.ctx.legalBasis,
    actor: e.ctx.actor,
    decidedBy: e.ctx.decidedBy ?? null,
  };
}

export interface AuditQuery {
  caseId?: string;
  /** The person whose data moved: "who read my data, when and why". */
  subjectId?: string;
  registry?: RegistryName;
  agency?: AgencyId;
  from?: string; // ISO timestamp, inclusive
  to?: string; // ISO timestamp, inclusive
  limit?: number;
}

export interface AuditRow extends AuditEntry {
  id: number;
}

/** Audit entries in the order they were written. */
export async function listAudit(db: Executor, q: AuditQuery = {}): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (q.caseId !== undefined) where.push(eq(auditLog.caseId, q.caseId));
  if (q.subjectId !== undefined) where.push(eq(auditLog.subjectId, q.subjectId));
  if (q.registry !== undefined) where.push(eq(auditLog.registry, q.registry));
  if (q.agency !== undefined) where.push(eq(auditLog.agency, q.agency));
  if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
  if (q.to !== undefined) where.push(lte(auditLog.at, q.to));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(auditLog.id))
    .limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map((r) => {
    const ctx: AccessContext = {
      procedureId: r.procedureId,
      procedureVersion: r.procedureVersion,
      caseId: r.caseId,
      agency: r.agency as AgencyId,
      purpose: r.purpose,
      legalBasis: r.legalBasis,
      actor: r.actor,
      ...(r.decidedBy !== null ? { decidedBy: r.decidedBy } : {}),
    };
    return {
      id: r.id,
      at: new Date(r.at).toISOString(),
      registry: r.registry as RegistryName,
      operation: r.operation,
      kind: r.kind,
      subjectId: r.subjectId,
      fields: r.fields,
      outcome: r.outcome,
      ctx,
    };
  });
}

export interface AccessLogParams {
  /** The data subject: "who read or wrote my data, when and why" (Estonia's Data Tracker). */
  personalId: string;
  /** ISO instants, [from, to). */
  from?: string;
  to?: string;
  /** Id of the last entry of the previous page (entries come newest first). */
  before?: number;
  limit: number;
}

export interface AccessLogEntry {
  id: number;
  at: string;
  /** read / write: a registry call; view: an officer or operator looked at a case holding the data. */
  kind: string;
  registry: string;
  operation: string;
  fields: string[];
  outcome: string;
  agency: string;
  /** Who acted: the officer, the operator, the citizen or `system` (an automated step). */
  actor: string;
  purpose: string;
  legalBasis: string;
  caseId: string;
  procedureId: string;
}

/** A person's access log, newest first, on the (subject_id, id) index. */
export async function listAccessLog(db: Executor, p: AccessLogParams): Promise<AccessLogEntry[]> {
  const where: SQL[] = [eq(auditLog.subjectId, p.personalId)];
  if (p.before !== undefined) where.push(lt(auditLog.id, p.before));
  if (p.from !== undefined) where.push(gte(auditLog.at, p.from));
  if (p.to !== undefined) where.push(lt(auditLog.at, p.to));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(p.limit);
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    registry: r.registry,
    operation: r.operation,
    fields: r.fields,
    outcome: r.outcome,
    agency: r.agency,
    actor: r.actor,
    purpose: r.purpose,
    legalBasis: r.legalBasis,
    caseId: r.caseId,
    procedureId: r.procedureId,
  }));
}

/**
 * The one access log of views (issue 14 and 15 each had one; this is the one kept): an officer's, operator's or
 * auditor's look at a case is an `audit_log` row of kind `view` per data subject of the case, next to the registry
 * reads and writes of the same person. So the data tracker (`GET /people/{id}/access-log`) reads one table on its
 * (subject_id, id) index, every entry has the same columns (agency, actor, purpose, legal basis, case), and the
 * case's audit (`views`) reads the same rows on (case_id, id). `operation` names what was shown (case, events,
 * audit, ops.explain…).
 */
export async function recordCaseView(
  db: Executor,
  p: { at: string; caseId: string; procedureId: string; procedureVersion: number; subjects: string[]; agency: string; actor: string; view: string; purpose: string; legalBasis: string },
): Promise<void> {
  if (p.subjects.length === 0) return;
  await db.insert(auditLog).values(
    p.subjects.map((subjectId) => ({
      at: p.at,
      registry: CASE_FILE,
      operation: p.view,
      kind: 'view' as const,
      subjectId,
      fields: ['case'],
      outcome: 'ok' as const,
      procedureId: p.procedureId,
      procedureVersion: p.procedureVersion,
      caseId: p.caseId,
      agency: p.agency,
      purpose: p.purpose,
      legalBasis: p.legalBasis,
      actor: p.actor,
    })),
  );
}

/** The pseudo-registry of view entries: the case file itself. */
export const CASE_FILE = 'caseFile';

export interface CaseViewEntry {
  id: number;
  at: string;
  /** "officer:justice:tp-01", "staff:op-01". */
  viewer: string;
  agency: string;
  /** What was shown: case, events, audit, ops.explain… */
  view: string;
  /** Whose data the view showed. */
  subjectId: string;
  purpose: string;
  legalBasis: string;
}

/** Every view of a case's personal data (one entry per data subject), in the order written. */
export async function listCaseViews(db: Executor, q: { caseId: string; subjectId?: string; limit?: number }): Promise<CaseViewEntry[]> {
  const where: SQL[] = [eq(auditLog.caseId, q.caseId), eq(auditLog.kind, 'view')];
  if (q.subjectId !== undefined) where.push(eq(auditLog.subjectId, q.subjectId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(asc(auditLog.id))
    .limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    viewer: r.actor,
    agency: r.agency,
    view: r.operation,
    subjectId: r.subjectId ?? '',
    purpose: r.purpose,
    legalBasis: r.legalBasis,
  }));
}
