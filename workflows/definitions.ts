/**
 * The runner workflow's message definitions and shapes, shared by the workflow and its clients.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProcedureEvent } from '../procedures/types';
import type { CaseStatusName } from '../domain/case-vocabulary';
import type { RegistryRecordRead } from '../domain/once-only';
import type { ErrorCode } from '../domain/error-codes';

export const RUN_PROCEDURE_WORKFLOW = 'runProcedure';

/** Error type of an event the case refuses (unknown, wrong actor, bad shape, or not accepted in this state). */
export const EVENT_NOT_ACCEPTED = 'EVENT_NOT_ACCEPTED' satisfies ErrorCode;
/** Error type of an event or data update larger than CASE_MESSAGE_MAX_BYTES: refused before it enters the history. */
export const MESSAGE_TOO_LARGE = 'PAYLOAD_TOO_LARGE' satisfies ErrorCode;
/** Error type of an event or data sent to a closed case. */
export const CASE_CLOSED = 'CASE_CLOSED' satisfies ErrorCode;

export interface RunProcedureOptions {
  /**
   * Overrides the length (ms) of named chart delays (e.g. `supplementWindow`), which otherwise count working days
   * on the holiday calendar. Operations/testing only: the API never lets a citizen set it.
   */
  delayOverridesMs?: Record<string, number>;
  /**
   * History length (events) from which the case continues as new at its next quiet moment (no service running);
   * Temporal's own suggestion (`continueAsNewSuggested`) triggers it too. Default 10 000.
   */
  continueAsNewAfterEvents?: number;
}

/** Everything a case records besides its chart: carried across continue-as-new. */
export interface CaseRecord {
  caseId: string;
  receivedAt: string;
  input: Record<string, unknown>;
  missingFields: string[];
  timeline: { entries: TimelineEntry[]; /** Leaves active after the last recorded snapshot. */ active: string[]; doneAt: string | null };
  rejectedEvents: RejectedEvent[];
  history: HistoryEntry[];
  /** When the dossier became complete (the last accepted supplement or the missing data given). */
  dossierCompleteAt: string | null;
  /** Who sent the last accepted event ("system" before any): named as `decidedBy` in service requests. */
  lastActor: string;
}

/** A chart delay (`after`) scheduled and not yet fired: re-armed for its remaining time after continue-as-new. */
export interface PendingDelay {
  id: string;
  event: { type: string };
  dueAt: string;
}

/** What a run hands to the next when the case continues as new (workflows/continue-as-new.ts). */
export interface CaseResume {
  record: CaseRecord;
  /** The chart's persisted snapshot (XState `getPersistedSnapshot`), taken with no service running. */
  chart: unknown;
  pendingDelays: PendingDelay[];
  /** The read model's last transition number, so projections keep counting up. */
  projectionSeq: number;
}

export interface RunProcedureInput {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  /** The chart's input without the case id (for the birth group: `{ application }`). */
  input: Record<string, unknown>;
  /** ISO instant the dossier was received (15:00 cut-off applies). */
  receivedAt: string;
  options?: RunProcedureOptions;
  /**
   * Citizen-sourced fields the application still lacks (the API resolved everything the state holds). The case
   * waits for them (`provideData` update, see application-data.ts) before the chart starts.
   */
  missingFields?: string[];
  /** How the dossier arrived (portal, vneid, counter…), for the read model's indicators. */
  channel?: string;
  /** Where each field came from (once-only resolution at submission), for the read model's data provenance. */
  provenance?: FieldProvenance[];
  /** Registry records read when the application was received (domain/once-only.ts): handed to every step. */
  held?: RegistryRecordRead[];
  /** Set by the runner itself when the case continues as new: the state it carries over (never by clients). */
  resume?: CaseResume;
}

/** Where one field of the application came from (the API's once-only resolution at submission). */
export interface FieldProvenance {
  field: string;
  source: 'registry' | 'citizen' | 'step';
  registry?: string;
  step?: string;
}

export interface TimelineEntry {
  /** Dotted state path of an active leaf state, e.g. "birth.awaitingOfficer". */
  state: string;
  enteredAt: string;
  leftAt: string | null;
}

export interface StepStatus {
  step: string;
  /** When counting started (a complete dossier for "total"/first step; entry into the step otherwise). */
  startedAt: string | null;
  completedAt: string | null;
  workingDays: number;
  verificationNeeded: boolean;
  /** End of the last working day allowed (23:59:59.999 Vietnam time). */
  dueAt: string | null;
  onTime: boolean | null;
  legalBasis: string;
}

export interface AcceptedEventInfo {
  type: string;
  actor: string;
  agency?: string;
  /** The one person who may send it, when the chart knows (e.g. the household head): whom to notify. */
  actorId?: string;
  description: string;
}

export interface RejectedEvent {
  event: unknown;
  reason: string;
  at: string;
}

export interface HistoryEntry {
  type: string;
  actor: string;
  at: string;
}

export interface CaseSnapshot {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  receivedAt: string;
  /** One vocabulary (domain/case-vocabulary.ts): awaiting_data, in_progress, closed, failed. */
  status: CaseStatusName;
  missingFields: string[];
  state: unknown;
  activeStates: string[];
  /** Declared outcome of the final state reached, once done. */
  outcome: string | null;
  context: unknown;
  timeline: TimelineEntry[];
  steps: StepStatus[];
  /** Events the current state accepts, with who may send them. */
  acceptedEvents: AcceptedEventInfo[];
  /** Signals the case refused (updates are refused to the caller instead and leave no trace). */
  rejectedEvents: RejectedEvent[];
  /** External events the case accepted, in order. */
  history: HistoryEntry[];
}

export interface CaseResult {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  outcome: string;
  finalState: string;
  results: Record<string, unknown>;
  steps: StepStatus[];
  completedAt: string;
}

export interface SendEventRequest {
  event: ProcedureEvent;
}

/**
 * The answer to an accepted event: where the case stands now, not the whole case. The whole case is the read model's
 * (written before the answer is sent: GET /cases/{id} reads it), and an answer is kept in the history for as long as
 * the case is: the whole snapshot was ~5 KB of personal data per event, a third of a birth case's history.
 * (Cases whose events were answered before 2026-12-05 hold whole snapshots, a superset of this.)
 */
export type SendEventReceipt = Pick<CaseSnapshot, 'caseId' | 'status' | 'state' | 'activeStates' | 'outcome' | 'acceptedEvents'>;

/** Officer and citizen events: validated (shape, declared actor, accepted by the current state), else refused. */
export const sendEventUpdate = defineUpdate<SendEventReceipt, [SendEventRequest]>('sendEvent');
/** Fire-and-forget variant: a refused signal is recorded in `rejectedEvents`. */
export const eventSignal = defineSignal<[SendEventRequest]>('event');
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');
