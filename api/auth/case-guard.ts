/**
 * Loads a case only for a principal who may see it (else 404 CASE_NOT_FOUND, as if it did not exist) and writes
 * every view of its personal data by an officer, operator or auditor to the access log: `audit_log` rows of kind
 * `view`, one per data subject, beside the registry reads and writes of the same persons (why this one log:
 * `recordCaseView` in db/engine/audit-queries.ts).
 */
import type { Client } from '@temporalio/client';
import type { Executor } from '../../db/connection';
import { recordCaseView } from '../../db/engine/audit-queries';
import { getCaseView } from '../../db/engine/case-views';
import { getProcedure } from '../../procedures/catalog';
import type { CaseSnapshot } from '../../workflows/definitions';
import { principalLabel, type Principal } from '../../identity/claims';

/** The agency column of a view by platform staff (operators, auditors), who belong to no agency. */
export const PLATFORM_AGENCY = 'platform';
import { CaseNotFoundError } from '../errors';
import { canSeeCase, caseFacts, type CaseFacts } from './case-access';

export interface VisibleCase {
  snapshot: CaseSnapshot;
  facts: CaseFacts;
  /** Which transition of the case the read model holds, and when it was written. */
  projection: { transition: number; projectedAt: string };
}

export interface CaseGuard {
  /** The case's snapshot and facts, or 404 when it does not exist or the principal may not see it. */
  visibleCase(principal: Principal, caseId: string): Promise<VisibleCase>;
  /**
   * Logs a view of the case's personal data; citizens' views of their own cases are not logged. `procedure`: the
   * case's, when the caller already read it (else the case is read for it).
   */
  recordView(principal: Principal, view: { caseId: string; subjectIds: Iterable<string>; name: string; procedure?: { id: string; version: number } }): Promise<void>;
}

export function createCaseGuard(deps: { client: Client; db: Executor; clock: () => Date }): CaseGuard {
  return {
    async visibleCase(principal, caseId) {
      // From the read model: deciding who may see a case never wakes its workflow.
      const view = await getCaseView(deps.db, caseId);
      if (!view) throw new CaseNotFoundError(caseId);
      const snapshot = view.snapshot as CaseSnapshot;
      const facts = caseFacts(getProcedure(snapshot.procedureId, snapshot.procedureVersion), snapshot);
      if (!canSeeCase(principal, facts)) throw new CaseNotFoundError(caseId);
      return { snapshot, facts, projection: { transition: view.seq, projectedAt: view.projectedAt } };
    },
    async recordView(principal, view) {
      if (principal.kind === 'citizen') return;
      let procedure = view.procedure;
      if (!procedure) {
        const row = await getCaseView(deps.db, view.caseId);
        if (!row) throw new CaseNotFoundError(view.caseId);
        procedure = { id: row.procedureId, version: row.procedureVersion };
      }
      const def = getProcedure(procedure.id, procedure.version);
      const role = principal.kind === 'officer' ? `officer of ${principal.agency}` : principal.roles.join(', ');
      await recordCaseView(deps.db, {
        at: deps.clock().toISOString(),
        caseId: view.caseId,
        procedureId: def.id,
        procedureVersion: def.version,
        subjects: [...new Set(view.subjectIds)].sort(),
        agency: principal.kind === 'officer' ? principal.agency : PLATFORM_AGENCY,
        actor: principalLabel(principal),
        view: view.name,
        purpose: `${view.name} view of the case (${role})`,
        legalBasis: def.legalBasis[0] ?? '',
      });
    },
  };
}
