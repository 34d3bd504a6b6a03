/** Query module for the audit log. Functions take (db, params) so they compose inside a transaction. */
import { and, asc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { AccessContext, AgencyId, AuditEntry, RegistryName } from '../../activities/registries/types';
import type { Executor } from '../connection';
import { auditLog } from './schema';

export async function insertAuditEntry(db: Executor, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
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
  });
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
