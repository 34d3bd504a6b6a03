/**
 * Operator actions are recorded in the engine's `audit_log` (the same table as registry calls), so a case's audit
 * trail shows who intervened, how and why:
 *   registry = 'operator', operation = the action (reset, terminate, …), kind = 'write',
 *   actor = 'operator:<id>', purpose = the operator's reason, fields = action details ("key=value"),
 *   outcome = 'ok' | 'error', agency = the operator's agency or 'ops', subject_id = null (no personal data moves).
 * The table's CHECK constraints (kind read/write, outcome ok/not_found/error) hold these rows as they are.
 */
import { and, asc, eq } from 'drizzle-orm';
import { auditLog } from '../db/engine/schema';
import type { Executor } from '../db/connection';

export const OPERATOR_REGISTRY = 'operator';
export const OPERATOR_LEGAL_BASIS = 'Operator intervention (ops toolkit); reason recorded in purpose';

export interface Operator {
  /** Who acts, e.g. "nguyen.van.a" (recorded as "operator:<id>"). */
  id: string;
  /** The operator's agency, when known. */
  agency?: string;
}

export interface OperatorActionRecord {
  operator: Operator;
  action: string;
  reason: string;
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  details?: Record<string, unknown>;
  outcome: 'ok' | 'error';
  at: string;
}

export class ReasonRequiredError extends Error {
  readonly code = 'REASON_REQUIRED';
  constructor() {
    super('Every operator action needs a reason (--reason)');
  }
}

export class OperatorRequiredError extends Error {
  readonly code = 'OPERATOR_REQUIRED';
  constructor() {
    super('Every operator action needs the operator identity (an operator token: --token or OPS_TOKEN)');
  }
}

export function requireActor(operator: Operator | undefined, reason: string | undefined): asserts reason is string {
  if (!operator || !operator.id || !operator.id.trim()) throw new OperatorRequiredError();
  if (!reason || !reason.trim()) throw new ReasonRequiredError();
}

function detailFields(details: Record<string, unknown> | undefined): string[] {
  return Object.entries(details ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

export async function recordOperatorAction(db: Executor, r: OperatorActionRecord): Promise<void> {
  await db.insert(auditLog).values({
    at: r.at,
    registry: OPERATOR_REGISTRY,
    operation: r.action,
    kind: 'write',
    subjectId: null,
    fields: detailFields(r.details),
    outcome: r.outcome,
    procedureId: r.procedureId,
    procedureVersion: r.procedureVersion,
    caseId: r.caseId,
    agency: r.operator.agency ?? 'ops',
    purpose: r.reason,
    legalBasis: OPERATOR_LEGAL_BASIS,
    actor: `operator:${r.operator.id}`,
  });
}

export interface OperatorActionRow {
  id: number;
  at: string;
  action: string;
  caseId: string;
  operator: string;
  reason: string;
  outcome: string;
  details: Record<string, string>;
}

export async function listOperatorActions(db: Executor, q: { caseId?: string } = {}): Promise<OperatorActionRow[]> {
  const where = [eq(auditLog.registry, OPERATOR_REGISTRY)];
  if (q.caseId !== undefined) where.push(eq(auditLog.caseId, q.caseId));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(asc(auditLog.id));
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    action: r.operation,
    caseId: r.caseId,
    operator: r.actor,
    reason: r.purpose,
    outcome: r.outcome,
    details: Object.fromEntries(
      r.fields.map((f) => {
        const i = f.indexOf('=');
        return i < 0 ? [f, ''] : [f.slice(0, i), f.slice(i + 1)];
      }),
    ),
  }));
}
