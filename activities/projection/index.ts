/**
 * The engine worker's read-model writes: `writeCaseProjection` (the case workflow's projection sink, sinks.ts, once
 * per transition; the local activity `projectCase` for cases started before it) writes the case's projection and its
 * service-quality record — opened by the case's first projection, so no crash can separate a started case from its
 * record; `takeKpiSnapshot` (the daily schedule) keeps the indicators' history.
 */
import type { Executor } from '../../db/connection';
import { caseRowsOf } from '../../db/engine/case-rows';
import { applyCaseRowsGrouped, type CaseRecordWrite } from '../../db/engine/case-views';
import { receivedRecord } from '../../db/engine/case-records';
import { CASE_CHANNELS, type CaseChannel, type CaseStatus } from '../../db/engine/schema';
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

/**
 * Writes one projection document and keeps the case's service-quality record, in one statement, by group commit
 * with the projections of other cases written meanwhile (`applyCaseRowsGrouped`).
 */
export async function writeCaseProjection(deps: ReadModelActivityDeps, doc: CaseProjectionDocument): Promise<void> {
  const rows = caseRowsOf(doc);
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  await applyCaseRowsGrouped(deps.db, rows, now, { record: caseRecordWrite(rows.view, now) });
}

export function createReadModelActivities(deps: ReadModelActivityDeps): ProjectionActivities & { takeKpiSnapshot(args: { day: string }): Promise<KpiSnapshotResult> } {
  const clock = deps.clock ?? (() => new Date());
  return {
    // Cases started before the projection became a sink (case-projection-v1) still call it.
    async projectCase(doc: CaseProjectionDocument) {
      await writeCaseProjection(deps, doc);
      return doc;
    },
    takeKpiSnapshot: ({ day }) => takeKpiSnapshot(deps.db, { day, now: clock() }),
  };
}

type CaseView = ReturnType<typeof caseRowsOf>['view'];

/** A case started by a client other than the API (no channel) is recorded as received through the API channel. */
const channelOf = (c: string | null | undefined): CaseChannel => (CASE_CHANNELS as readonly string[]).includes(c ?? '') ? (c as CaseChannel) : 'api';

/**
 * The per-dossier service-quality record (case_records) follows the case: opened by its first transition
 * (idempotent, so a retried first projection still opens it; a case whose first projection predates the record gets
 * it with its next one), then progress with every projection applied, then its one settlement.
 */
function caseRecordWrite(v: CaseView, now: string): CaseRecordWrite {
  const status = caseRecordStatusOf(v.status, v.outcome ?? null);
  const open = receivedRecord({
    caseId: v.caseId,
    procedureId: v.procedureId,
    procedureVersion: v.procedureVersion,
    applicantId: v.applicantId ?? null,
    channel: channelOf(v.channel),
    receivedAt: v.receivedAt,
    deadlineAt: v.deadlineAt ?? null,
    fieldsReused: v.fieldsReused ?? 0,
    fieldsCollected: v.fieldsCollected ?? 0,
  });
  const deadlineAt = v.deadlineAt ?? null;
  if (v.status === 'closed' && v.settledAt) {
    return {
      open,
      progress: { at: v.settledAt, status: null, deadlineAt },
      settle: { settledAt: v.settledAt, status, electronicResult: v.electronicResult ?? false },
    };
  }
  return { open, progress: { at: now, status, deadlineAt }, settle: null };
}
