/**
 * The engine worker's read-model writes: `writeCaseProjection` (the case workflow's projection sink, sinks.ts, once
 * per transition; the local activity `projectCase` for cases started before it) writes the case's projection and its
 * service-quality record — opened by the case's first projection, so no crash can separate a started case from its
 * record; `takeKpiSnapshot` (the daily schedule) keeps the indicators' history.
 */
import type { Executor } from '../../db/connection';
import { caseRowsOf } from '../../db/engine/case-rows';
import { applyCaseRows } from '../../db/engine/case-views';
import { CaseRecordNotFoundError, openCaseRecordIfAbsent, settleCase, updateCaseProgress } from '../../db/engine/case-records';
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

/** Writes one projection document and keeps the case's service-quality record, in one transaction. */
export async function writeCaseProjection(deps: ReadModelActivityDeps, doc: CaseProjectionDocument): Promise<void> {
  const rows = caseRowsOf(doc);
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  // The service-quality record in the projection's transaction: opened by the first transition (idempotent, so a
  // retried first projection still opens it), then kept with every projection applied.
  await applyCaseRows(deps.db, rows, now, {
    alongside: async (tx, applied) => {
      if (doc.seq === 1) await openCaseRecord(tx, rows.view);
      if (applied) await keepCaseRecord(tx, rows.view, now);
    },
  });
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

/** Opens the case's service-quality record (a second call keeps the first): received, with the once-only counts. */
async function openCaseRecord(db: Executor, v: CaseView): Promise<void> {
  await openCaseRecordIfAbsent(db, {
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
}

/** The per-dossier service-quality record (case_records) follows the case: progress, then its one settlement. */
async function keepCaseRecord(db: Executor, v: CaseView, now: string): Promise<void> {
  const status = caseRecordStatusOf(v.status, v.outcome ?? null);
  const progress = async () => {
    if (v.status === 'closed' && v.settledAt) {
      await updateCaseProgress(db, { caseId: v.caseId, at: v.settledAt, deadlineAt: v.deadlineAt ?? null });
      await settleCase(db, { caseId: v.caseId, settledAt: v.settledAt, status: status as 'settled', electronicResult: v.electronicResult ?? false });
    } else {
      await updateCaseProgress(db, { caseId: v.caseId, at: now, status, deadlineAt: v.deadlineAt ?? null });
    }
  };
  try {
    await progress();
  } catch (e) {
    if (!(e instanceof CaseRecordNotFoundError)) throw e;
    // A case whose first projection predates the record (started before the projection opened it): open it now.
    await openCaseRecord(db, v);
    await progress();
  }
}
