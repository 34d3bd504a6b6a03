/** Query module for the audit log. Functions take (db, params) so they compose inside a transaction. */
import { and, asc, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { AccessContext, AgencyId, AuditEntry, RegistryName } from '../../domain/registries';
import type { Executor } from '../connection';
import { auditLog } from './schema';

export async function insertAuditEntry(db: Executor, e: AuditEntry): Promise<void> {
  await insertAuditEntries(db, [e]);
}

/** Several entries in one statement, chained in the order given (the chain trigger runs per row). */
export async function insertAuditEntries(db: Executor, entries: readonly AuditEntry[]): Promise<void> {
  await insertAuditRows(db, entries.map(auditRow));
}

/** An audit row as `audit_log`'s columns name it (the chain columns are the trigger's). */
interface AuditRowDocument {
  at: string;
  registry: string;
  operation: string;
  kind: 'read' | 'write' | 'view';
  subject_id: string | null;
  fields: string[];
  outcome: 'ok' | 'not_found' | 'error';
  procedure_id: string;
  procedure_version: number;
  case_id: string;
  agency: string;
  purpose: string;
  legal_basis: string;
  actor: string;
  decided_by: string | null;
}

function auditRow(e: AuditEntry): AuditRowDocument {
  return {
    at: e.at,
    registry: e.registry,
    operation: e.operation,
    kind: e.kind,
    subject_id: e.subjectId,
    fields: [...e.fields],
    outcome: e.outcome,
    procedure_id: e.ctx.procedureId,
    procedure_version: e.ctx.procedureVersion,
    case_id: e.ctx.caseId,
    agency: e.ctx.agency,
    purpose: e.ctx.purpose,
    legal_basis: e.ctx.legalBasis,
    actor: e.ctx.actor,
    decided_by: e.ctx.decidedBy ?? null,
  };
}

/**
 * The rows as one JSON parameter, in the order given: a statement of fixed text however many rows (drizzle's
 * multi-row insert builds ~40 µs of query text per row, and every entry of a case is audited).
 */
async function insertAuditRows(db: Executor, rows: readonly AuditRowDocument[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`insert into audit_log (at, registry, operation, kind, subject_id, fields, outcome, procedure_id,
      procedure_version, case_id, agency, purpose, legal_basis, actor, decided_by)
    select r.at, r.registry, r.operation, r.kind, r.subject_id, r.fields, r.outcome, r.procedure_id, r.procedure_version,
      r.case_id, r.agency, r.purpose, r.legal_basis, r.actor, r.decided_by
    from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as t(d, i)
      cross join lateral jsonb_populate_record(null::audit_log, t.d) as r
    order by t.i`);
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
  await insertAuditRows(
    db,
    p.subjects.map((subjectId) => ({
      at: p.at,
      registry: CASE_FILE,
      operation: p.view,
      kind: 'view' as const,
      subject_id: subjectId,
      fields: ['case'],
      outcome: 'ok' as const,
      procedure_id: p.procedureId,
      procedure_version: p.procedureVersion,
      case_id: p.caseId,
      agency: p.agency,
      purpose: p.purpose,
      legal_basis: p.legalBasis,
      actor: p.actor,
      decided_by: null,
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
