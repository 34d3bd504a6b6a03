/**
 * Workflow updates through workflow-task protocol messages: admitted (mutable state only) → delivered as a
 * `messages` entry of a workflow task → accepted (UpdateAccepted event) → completed (UpdateCompleted event),
 * or rejected by the validator (no history event; kept in mutable state for dedup and pollers).
 */
import { decodeB64, encodeB64, enums, temporal, root } from '../proto';
import type { RunContext } from './context';
import type { RunState, UpdateState } from './state';
import { updateMachine } from './entity-machines';
import { InternalError, InvalidArgumentError } from '../errors';
import { scheduleWorkflowTask } from './workflow-task';
import type { Logger } from '../grpc';
import type { temporal as Proto } from '@temporalio/proto';

 
const ET = enums.EventType;
const upd = temporal.api.update.v1;

type UpdateRequest = Proto.api.update.v1.IRequest;
type ProtocolMessage = Proto.api.protocol.v1.IMessage;

export function hasUndeliveredUpdates(s: RunState): boolean {
  for (const u of Object.values(s.updates)) if (u.state === 'requested') return true;
  return false;
}

/** Admits an update request (no-op if the id is known). Returns true when newly admitted. */
export function admitUpdate(ctx: RunContext, updateId: string, request: UpdateRequest): boolean {
  const s = ctx.state;
  if (s.updates[updateId]) return false;
  const u = { updateId, request: encodeB64(upd.Request, request)! } as UpdateState;
  updateMachine.apply(u, 'admit', updateId);
  s.updates[updateId] = u;
  ctx.touch();
  if (!s.wft) {
    scheduleWorkflowTask(ctx);
    // A task that exists only for this update is speculative: if the update is rejected it leaves no trace.
    const w = s.wft as RunState['wft'];
    if (w && s.buffered.length === 0) w.speculative = true;
  }
  return true;
}

/**
 * Reset: an update accepted in the base run is admitted again in the new run durably (an UpdateAdmitted event,
 * origin REAPPLY); the worker takes its request from that event, so no protocol message is sent for it.
 */
export function readmitUpdate(ctx: RunContext, request: UpdateRequest): void {
  const updateId = request.meta!.updateId as string;
  const admittedEventId = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED, 'workflowExecutionUpdateAdmittedEventAttributes', {
    request,
    origin: enums.UpdateAdmittedEventOrigin.UPDATE_ADMITTED_EVENT_ORIGIN_REAPPLY,
  });
  const u = { updateId, admittedEventId, request: encodeB64(upd.Request, request)! } as UpdateState;
  updateMachine.apply(u, 'readmit', updateId);
  ctx.state.updates[updateId] = u;
}

/** Protocol messages for the updates to deliver in the task just started. */
export function takeUpdateMessages(ctx: RunContext): ProtocolMessage[] {
  const s = ctx.state;
  const w = s.wft!;
  const out: ProtocolMessage[] = [];
  for (const u of Object.values(s.updates)) {
    if (u.state !== 'requested') continue;
    updateMachine.apply(u, 'send', u.updateId);
    u.sentInWftScheduledEventId = w.scheduledEventId;
    const req = decodeB64(upd.Request, u.request!);
    out.push({
      id: `${u.updateId}/request`,
      protocolInstanceId: u.updateId,
      eventId: (w.startedEventId - 1) as unknown as Long, // protobufjs encodes a number as int64
      body: { type_url: 'type.googleapis.com/temporal.api.update.v1.Request', value: upd.Request.encode(req).finish() },
    });
  }
  if (out.length) ctx.touch();
  return out;
}

function anyType(body: { type_url?: string | null; typeUrl?: string | null } | null | undefined): string {
  return String(body?.type_url ?? body?.typeUrl ?? '').replace(/^type\.googleapis\.com\//, '');
}

export function handleProtocolMessage(engine: { logger: Logger }, ctx: RunContext, m: ProtocolMessage, _completedId: number): void {
  const s = ctx.state;
  const type = anyType(m.body);
  const u = s.updates[String(m.protocolInstanceId)];
  if (!u) {
    engine.logger.warn(`protocol message for unknown update ${m.protocolInstanceId}`);
    return;
  }
  const T = root.lookupType(type);
  const body = T.decode(m.body!.value!);
  ctx.touch();
  // A message the update's state does not take is the worker's protocol error (as Temporal's update registry).
  const action = type.endsWith('.Acceptance') ? 'accept' : type.endsWith('.Rejection') ? 'reject' : type.endsWith('.Response') ? 'complete' : null;
  if (action && !updateMachine.can(u, action))
    throw new InvalidArgumentError(`invalid state transition attempted: update ${u.updateId} is ${u.state}, the worker sent ${type}`);
  if (type === 'temporal.api.update.v1.Acceptance') {
    u.acceptedEventId = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 'workflowExecutionUpdateAcceptedEventAttributes', {
      protocolInstanceId: u.updateId,
      acceptedRequestMessageId: body.acceptedRequestMessageId,
      acceptedRequestSequencingEventId: body.acceptedRequestSequencingEventId,
      acceptedRequest: body.acceptedRequest ?? decodeB64(upd.Request, u.request!),
    });
    updateMachine.apply(u, 'accept', u.updateId);
    delete u.request; // in the UpdateAccepted event from now on
    delete u.sentInWftScheduledEventId;
  } else if (type === 'temporal.api.update.v1.Rejection') {
    updateMachine.apply(u, 'reject', u.updateId);
    u.rejected = true;
    u.outcome = encodeB64(upd.Outcome, { failure: body.failure });
    forgetOldRejections(s);
  } else if (type === 'temporal.api.update.v1.Response') {
    u.completedEventId = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, 'workflowExecutionUpdateCompletedEventAttributes', {
      meta: body.meta ?? { updateId: u.updateId },
      acceptedEventId: u.acceptedEventId ?? 0,
      outcome: body.outcome,
    });
    updateMachine.apply(u, 'complete', u.updateId);
    // The outcome stays in its event only: a run's state is written whole with each change, and a workflow that
    // answered many updates would otherwise carry every answer in every write (a case's snapshot: ~6 KB each).
  } else {
    engine.logger.warn(`unsupported protocol message ${type}`);
  }
  if (u.state === 'completed') compactFinished(u);
}

/**
 * Rejections kept per run (for deduplication and late pollers). The update limits do not count them, so a run could
 * otherwise take rejected updates without end, each kept in a state written whole; Temporal keeps none once answered.
 */
const REJECTIONS_KEPT = 100;

function forgetOldRejections(s: RunState): void {
  const rejected = Object.values(s.updates).filter((x) => x.rejected);
  for (const old of rejected.slice(0, Math.max(0, rejected.length - REJECTIONS_KEPT))) delete s.updates[old.updateId];
}

/**
 * A finished update keeps what dedup and pollers need (its stage, its UpdateCompleted event or its rejection) and its
 * last move (for an illegal-transition error): the run's state is written whole with each change of the run.
 */
function compactFinished(u: UpdateState): void {
  delete u.request;
  delete u.sentInWftScheduledEventId;
  if (u.transitions && u.transitions.length > 1) u.transitions = u.transitions.slice(-1);
}

export const UpdateStage = enums.UpdateWorkflowExecutionLifecycleStage;

/**
 * The stage an update has reached (null = unknown update id). A completed update's outcome is in its UpdateCompleted
 * event (`completedEventId`: read it with `updateOutcomeOf`); a rejection's, which no event holds, is in the state.
 */
export function updateStage(
  s: RunState,
  updateId: string,
): { stage: number; outcome: Proto.api.update.v1.IOutcome | null; completedEventId?: number } | null {
  const u = s.updates[updateId];
  if (!u) return null;
  if (u.state === 'completed') {
    const stage = UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
    // States written before completedEventId existed carry the outcome themselves.
    if (u.outcome || u.completedEventId === undefined) return { stage, outcome: decodeB64(upd.Outcome, u.outcome) };
    return { stage, outcome: null, completedEventId: u.completedEventId };
  }
  if (u.state === 'accepted') return { stage: UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED, outcome: null };
  return { stage: UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED, outcome: null };
}

/** The outcome an UpdateCompleted event holds (the event `updateStage` named). */
export function updateOutcomeOf(event: Proto.api.history.v1.IHistoryEvent | undefined, updateId: string): Proto.api.update.v1.IOutcome {
  const a = event?.workflowExecutionUpdateCompletedEventAttributes;
  if (!a || a.meta?.updateId !== updateId) throw new InternalError(`the history has no UpdateCompleted event of update ${updateId} where the run's state says`);
  return a.outcome ?? {};
}
