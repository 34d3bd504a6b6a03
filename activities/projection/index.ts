/**
 * The engine worker's read-model activities: `projectCase` (a local activity of the case workflow, once per
 * transition) writes the case's projection; `takeKpiSnapshot` (the daily schedule) keeps the indicators' history.
 */
import type { Executor } from '../../db/connection';
import { caseRowsOf } from '../../db/engine/case-rows';
import { applyCaseRows } from '../../db/engine/case-views';
import { CaseRecordNotFoundError, settleCase, updateCaseProgress } from '../../db/engine/case-records';
import type { CaseStatus } from '../../db/engine/schema';
import { takeKpiSnapshot, type KpiSnapshotResult } from '../../db/engine/kpi-snapshots';
import type { CaseProjectionDocument, ProjectionActivities } from '../../workflows/projection';

/** The service-quality record's status for a case's projected status and outcome (one mapping, here). */
export function caseRecordStatusOf(status: string, outcome: string | null): CaseStatus {
  if (status !== 'closed') return status === 'awaiting_data' ? 'supplement_requested' : 'in_progress';
  if (outcome === 'completed') return 'settled';
  if (outcome === 'partiallyCompleted') return 'partially_settled';
  return 'rejected';
}

export interface ReadModelActivityDeps {
  db: Executor;
  clock?: () => Date;
}

export function createReadModelActivities(deps: ReadModelActivityDeps): ProjectionActivities & { takeKpiSnapshot(args: { day: string }): Promise<KpiSnapshotResult> } {
  const clock = deps.clock ?? (() => new Date());
  return {
    async projectCase(doc: CaseProjectionDocument) {
      const rows = caseRowsOf(doc);
      const now = clock().toISOString();
      const { applied } = await applyCaseRows(deps.db, rows, now);
      if (applied) await keepCaseRecord(deps.db, rows.view, now);
      return doc;
    },
    takeKpiSnapshot: ({ day }) => takeKpiSnapshot(deps.db, { day, now: clock() }),
  };
}

/** The per-dossier service-quality record (case_records) follows the case: progress, then its one settlement. */
async function keepCaseRecord(db: Executor, v: ReturnType<typeof caseRowsOf>['view'], now: string): Promise<void> {
  const status = caseRecordStatusOf(v.status, v.outcome ?? null);
  try {
    if (v.status === 'closed' && v.settledAt) {
      await updateCaseProgress(db, { caseId: v.caseId, at: v.settledAt, deadlineAt: v.deadlineAt ?? null });
      await settleCase(db, { caseId: v.caseId, settledAt: v.settledAt, status: status as 'settled', electronicResult: v.electronicResult ?? false });
    } else {
      await updateCaseProgress(db, { caseId: v.caseId, at: now, status, deadlineAt: v.deadlineAt ?? null });
    }
  } catch (e) {
    // Cases started outside the API (simulations, tests) have no service-quality record.
    if (!(e instanceof CaseRecordNotFoundError)) throw e;
  }
}
