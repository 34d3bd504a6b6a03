/**
 * A case's snapshot as the query, the projection and the result show it (pure): built from the runner's state and
 * the chart's snapshot (null while the case waits for the applicant's data, before the chart starts).
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ProcedureDefinition } from '../procedures/types';
import { WORKING_CALENDAR } from './calendar';
import { acceptedEvents } from './accepted-events';
import { computeSteps } from './deadlines';
import type { CaseRecord, CaseResult, CaseSnapshot, SendEventReceipt, StepStatus } from './definitions';
import { dataLapseReason } from './applicant-data-rules';
import { emptyTimeline } from './case-timeline';

export type { CaseRecord } from './definitions';

export function emptyCaseRecord(caseId: string, receivedAt: string, input: Record<string, unknown>, missingFields: string[]): CaseRecord {
  return {
    caseId,
    receivedAt,
    input,
    missingFields,
    timeline: emptyTimeline(),
    rejectedEvents: [],
    history: [],
    dossierCompleteAt: null,
    lastActor: 'system',
  };
}

export function caseSteps(def: ProcedureDefinition, rec: CaseRecord, verificationNeeded: boolean): StepStatus[] {
  return computeSteps({
    deadlines: def.deadlines,
    timeline: rec.timeline.entries,
    receivedAt: rec.receivedAt,
    dossierCompleteAt: rec.dossierCompleteAt,
    doneAt: rec.timeline.doneAt,
    verificationNeeded,
    calendar: WORKING_CALENDAR,
  });
}

/** Where the case stands (the answer to an accepted event): the view's head, without its deadlines and records. */
export function caseReceipt(def: ProcedureDefinition, rec: CaseRecord, snap: AnyMachineSnapshot | null, chartFailed: boolean): SendEventReceipt {
  const { caseId, status, state, activeStates, outcome, acceptedEvents: accepted } = caseView(def, rec, snap, chartFailed, { head: true });
  return { caseId, status, state, activeStates, outcome, acceptedEvents: accepted };
}

export function caseView(def: ProcedureDefinition, rec: CaseRecord, snap: AnyMachineSnapshot | null, chartFailed: boolean, only: { head?: boolean } = {}): CaseSnapshot {
  const base = {
    caseId: rec.caseId,
    procedureId: def.id,
    procedureVersion: def.version,
    receivedAt: rec.receivedAt,
    missingFields: [...rec.missingFields],
    timeline: rec.timeline.entries.map((t) => ({ ...t })),
    rejectedEvents: rec.rejectedEvents.map((r) => ({ ...r })),
    history: rec.history.map((h) => ({ ...h })),
  };
  if (snap === null) {
    const lapsed = rec.timeline.doneAt !== null;
    return {
      ...base,
      status: lapsed ? 'closed' : 'awaiting_data',
      state: lapsed ? 'rejected' : 'awaitingData',
      activeStates: lapsed ? [] : ['awaitingData'],
      outcome: lapsed ? 'rejected' : null,
      context: { input: rec.input },
      steps: only.head ? [] : caseSteps(def, rec, false),
      acceptedEvents: [],
    };
  }
  const context = snap.context as { verificationNeeded?: boolean };
  const finalState = snap.status === 'done' ? String(snap.value) : null;
  return {
    ...base,
    status: chartFailed ? 'failed' : snap.status === 'done' ? 'closed' : snap.status === 'error' ? 'failed' : 'in_progress',
    state: snap.value,
    activeStates: [...rec.timeline.active],
    outcome: finalState === null ? null : (def.outcomes[finalState] ?? finalState),
    context: snap.context,
    // The deadlines are the view's costliest part (working days counted per step): a receipt has none.
    steps: only.head ? [] : caseSteps(def, rec, context?.verificationNeeded === true),
    acceptedEvents: acceptedEvents(def, snap),
  };
}

/** What the workflow returns: the outcome, the results the procedure declares, the steps' deadlines. */
export function caseResult(def: ProcedureDefinition, rec: CaseRecord, snap: AnyMachineSnapshot | null, view: CaseSnapshot): CaseResult {
  const base = { caseId: rec.caseId, procedureId: def.id, procedureVersion: def.version };
  if (snap === null) {
    // Lapsed in the applicant-data phase: the chart never started.
    return {
      ...base,
      outcome: 'rejected',
      finalState: 'awaitingData',
      results: { missingFields: [...rec.missingFields], reason: dataLapseReason(def) },
      steps: caseSteps(def, rec, false),
      completedAt: rec.timeline.doneAt!,
    };
  }
  return {
    ...base,
    outcome: view.outcome!,
    finalState: String(snap.value),
    results: def.results ? def.results(snap.context) : (snap.context as Record<string, unknown>),
    steps: view.steps,
    completedAt: rec.timeline.doneAt ?? new Date().toISOString(),
  };
}
