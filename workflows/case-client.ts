/**
 * Client helpers for the API: start a case (idempotent per case id), send officer/citizen events (updates),
 * read a case's snapshot (query) and its result. Case workflow id = `case-<caseId>`.
 * Node-side client code beside the workflows it drives (never imported by them: not part of the workflow bundle).
 * A refusal by the case becomes one error of the code table (domain/error-codes.ts) here, once: the API answers it
 * as it is.
 */
import { decodeHistoryPayload } from '../worker/codec/data-converter';
import { CodedError } from '../domain/error-codes';
import { PayloadTooLargeError } from '../domain/limits';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { getProcedure } from '../procedures/catalog';
import type { ProcedureEvent } from '../procedures/types';
import type { RegistryRecordRead } from '../domain/once-only';
import {
  EVENT_NOT_ACCEPTED,
  MESSAGE_TOO_LARGE,
  CASE_CLOSED,
  eventSignal,
  RUN_PROCEDURE_WORKFLOW,
  sendEventUpdate,
  snapshotQuery,
  type CaseResult,
  type CaseSnapshot,
  type FieldProvenance,
  type RunProcedureInput,
  type RunProcedureOptions,
  type SendEventReceipt,
} from './definitions';
import { ENGINE_TASK_QUEUE } from './task-queues';
import { DATA_NOT_ACCEPTED, provideDataUpdate, type ProvideDataRequest, type ProvideDataResult } from './application-data';
import type { runProcedure } from './statechart-runner';

export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`;
}

export class CaseNotFoundError extends CodedError {
  constructor(readonly caseId: string) {
    super('CASE_NOT_FOUND', `No case "${caseId}".`);
  }
}

/** The case refused the event (unknown, wrong actor, bad shape, or not accepted in its state); nothing changed. */
export class EventNotAcceptedError extends CodedError {
  constructor(
    readonly caseId: string,
    readonly eventType: string,
    reason: string,
  ) {
    super(EVENT_NOT_ACCEPTED, reason, { caseId, eventType });
  }
}

export interface StartCaseArgs {
  caseId: string;
  procedureId: string;
  /** Fixed when the case starts; defaults to the newest version in the catalog. */
  procedureVersion?: number;
  input: Record<string, unknown>;
  /** When the dossier was received; defaults to now. */
  receivedAt?: Date | string;
  options?: RunProcedureOptions;
  /** Extra workflow start options (e.g. searchAttributes, memo). */
  taskQueue?: string;
  /** Citizen-sourced fields still missing: the case waits for them (see provideCaseData). */
  missingFields?: string[];
  /** How the dossier arrived and where each field came from: carried into the read model. */
  channel?: string;
  provenance?: FieldProvenance[];
  /** Registry records the API read when it received the application: the case's steps do not read them again. */
  held?: RegistryRecordRead[];
}

export interface StartedCase {
  caseId: string;
  workflowId: string;
  procedureId: string;
  procedureVersion: number;
  /** True when the case id already existed: the re-submission maps to the existing case (no duplicate). */
  alreadyExisted: boolean;
}

export async function startCase(client: Client, args: StartCaseArgs): Promise<StartedCase> {
  const def = getProcedure(args.procedureId, args.procedureVersion);
  const workflowId = caseWorkflowId(args.caseId);
  const receivedAt = args.receivedAt === undefined ? new Date().toISOString() : new Date(args.receivedAt).toISOString();
  const input: RunProcedureInput = {
    caseId: args.caseId,
    procedureId: def.id,
    procedureVersion: def.version,
    input: args.input,
    receivedAt,
    options: args.options,
    missingFields: args.missingFields ?? [],
    ...(args.channel !== undefined ? { channel: args.channel } : {}),
    ...(args.provenance !== undefined ? { provenance: args.provenance } : {}),
    ...(args.held?.length ? { held: args.held } : {}),
  };
  try {
    await client.workflow.start<typeof runProcedure>(RUN_PROCEDURE_WORKFLOW, {
      taskQueue: args.taskQueue ?? ENGINE_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { caseId: args.caseId, workflowId, procedureId: def.id, procedureVersion: def.version, alreadyExisted: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const existing = await describeCaseStart(client, args.caseId);
    return { caseId: args.caseId, workflowId, ...existing, alreadyExisted: true };
  }
}

/** The procedure id/version a case was started with (from its first history event). */
async function describeCaseStart(client: Client, caseId: string): Promise<{ procedureId: string; procedureVersion: number }> {
  const handle = client.workflow.getHandle(caseWorkflowId(caseId));
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (payload?.data) {
    const first = (await decodeHistoryPayload<RunProcedureInput>(client.options.loadedDataConverter, payload))!;
    return { procedureId: first.procedureId, procedureVersion: first.procedureVersion };
  }
  throw new CaseNotFoundError(caseId);
}

function handleOf(client: Client, caseId: string): WorkflowHandle<typeof runProcedure> {
  return client.workflow.getHandle<typeof runProcedure>(caseWorkflowId(caseId));
}

/** The case refused a message larger than it accepts (domain/limits.ts); nothing entered its history. */
export { PayloadTooLargeError as MessageTooLargeError };

/** The case is closed (a final state, or its run ended): it accepts no event and no data. */
export class CaseClosedError extends CodedError {
  constructor(readonly caseId: string) {
    super(CASE_CLOSED, `Case ${caseId} is closed: it accepts no event or data.`, { caseId });
  }
}

function rethrowTooLarge(caseId: string, err: unknown): void {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === MESSAGE_TOO_LARGE) throw new PayloadTooLargeError(err.cause.message, { caseId });
    if (err.cause.type === CASE_CLOSED) throw new CaseClosedError(caseId);
  }
}

/** An update to a run that has ended fails as "not found": tell a closed case from a missing one. */
async function rethrowClosed(client: Client, caseId: string, err: unknown): Promise<void> {
  if (!(err instanceof WorkflowNotFoundError)) return;
  try {
    const desc = await handleOf(client, caseId).describe();
    if (desc.status.name !== 'RUNNING') throw new CaseClosedError(caseId);
  } catch (e) {
    if (e instanceof CaseClosedError) throw e;
  }
}

function rethrow(caseId: string, eventType: string, err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(caseId);
  rethrowTooLarge(caseId, err);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === EVENT_NOT_ACCEPTED) {
    throw new EventNotAcceptedError(caseId, eventType, err.cause.message);
  }
  throw err;
}

/**
 * Sends an officer or citizen event and waits until the case has applied it; refused events throw. The answer says
 * where the case stands; the whole case is in the read model, written before the answer (GET /cases/{id}).
 */
export async function sendEvent(client: Client, caseId: string, event: ProcedureEvent): Promise<SendEventReceipt> {
  try {
    return await handleOf(client, caseId).executeUpdate(sendEventUpdate, { args: [{ event }] });
  } catch (err) {
    await rethrowClosed(client, caseId, err);
    rethrow(caseId, event?.type ?? '', err);
  }
}

/** Fire-and-forget: a refused event is recorded in the snapshot's `rejectedEvents`. */
export async function signalEvent(client: Client, caseId: string, event: ProcedureEvent): Promise<void> {
  try {
    await handleOf(client, caseId).signal(eventSignal, { event });
  } catch (err) {
    rethrow(caseId, event?.type ?? '', err);
  }
}

export class DataNotAcceptedError extends Error {
  readonly code = DATA_NOT_ACCEPTED;
  constructor(
    readonly caseId: string,
    /** Why: DATA_ALREADY_HELD, ACTOR_NOT_ALLOWED, UNKNOWN_FIELD, FIELD_NOT_MISSING, INVALID_FIELD_VALUE, NOT_AWAITING_DATA… */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Gives fields the application still lacks; refused (DataNotAcceptedError) when not the applicant's to give. */
export async function provideCaseData(client: Client, caseId: string, request: ProvideDataRequest): Promise<ProvideDataResult> {
  try {
    return await handleOf(client, caseId).executeUpdate(provideDataUpdate, { args: [request] });
  } catch (err) {
    await rethrowClosed(client, caseId, err);
    if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(caseId);
    rethrowTooLarge(caseId, err);
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === DATA_NOT_ACCEPTED) {
        const detail = (err.cause.details?.[0] ?? {}) as { code?: string };
        throw new DataNotAcceptedError(caseId, detail.code ?? DATA_NOT_ACCEPTED, err.cause.message);
      }
      // No handler: the case is past its data phase.
      throw new DataNotAcceptedError(caseId, 'NOT_AWAITING_DATA', 'The case is not waiting for applicant data.');
    }
    throw err;
  }
}

export async function getCaseSnapshot(client: Client, caseId: string): Promise<CaseSnapshot> {
  try {
    return await handleOf(client, caseId).query(snapshotQuery);
  } catch (err) {
    rethrow(caseId, '', err);
  }
}

/** Waits for the case to finish and returns its outcome and results. */
export async function getCaseResult(client: Client, caseId: string): Promise<CaseResult> {
  try {
    return await handleOf(client, caseId).result();
  } catch (err) {
    rethrow(caseId, '', err);
  }
}
