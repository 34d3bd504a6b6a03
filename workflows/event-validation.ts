/** Which external events a case accepts (pure: runs in update validators and in tests). */
import type { AnyMachineSnapshot } from 'xstate';
import type { EventDeclaration, ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import type { SendEventRequest } from './definitions';
import { CASE_MESSAGE_MAX_BYTES, jsonSizeBytes } from '../domain/limits';
import { checkFieldValue } from '../domain/once-only';
import { getPath } from '../domain/data-paths';

/** Who holds a declared field, when it is not the applicant's to give (a registry or a step of the case). */
function holderOf(def: ProcedureDefinition, name: string): string | null {
  const decl = def.data.find((d) => d.name === name);
  if (!decl || decl.source.kind === 'citizen') return null;
  return decl.source.kind === 'registry' ? `the ${decl.source.registry} registry` : `step ${decl.source.step}`;
}

/**
 * Data an event carries about the application: an officer may not ask for a field the state holds (once-only);
 * a supplement (an event that completes the dossier) may correct fields the applicant gave, and nothing else.
 */
function dataRefusal(def: ProcedureDefinition, decl: EventDeclaration, event: Record<string, unknown>): string | null {
  if (Array.isArray(event.missing)) {
    for (const name of event.missing) {
      const holder = typeof name === 'string' ? holderOf(def, name) : null;
      if (holder) return `"${name}" is held by ${holder}; it must not be requested from the applicant`;
    }
  }
  if (event.fields === undefined) return null;
  if (!decl.completesDossier || decl.actor !== 'citizen') return `"${decl.type}" carries no field corrections`;
  if (!event.fields || typeof event.fields !== 'object' || Array.isArray(event.fields)) return '"fields" must be an object of corrected fields';
  for (const [name, value] of Object.entries(event.fields as Record<string, unknown>)) {
    const field = def.data.find((d) => d.name === name);
    if (!field) return `"${name}" is not a field of ${def.id}`;
    if (field.source.kind !== 'citizen' || name === 'applicant.personalId') {
      return `"${name}" is not the applicant's to correct${holderOf(def, name) ? ` (held by ${holderOf(def, name)})` : ''}`;
    }
    const problem = checkFieldValue(field, value);
    if (problem) return `"${name}": ${problem}`;
  }
  return null;
}

/** Why a message to the case is too large to enter its history, or null. */
export function oversizeRefusal(request: unknown): string | null {
  const size = jsonSizeBytes(request);
  return size > CASE_MESSAGE_MAX_BYTES ? `the message is ${size} bytes; a case accepts at most ${CASE_MESSAGE_MAX_BYTES}` : null;
}

/**
 * Why an event is not accepted, or null when it is. Pure: runs in update validators. Who may send an event is its
 * declaration's (actor kind, agency, required fields, `actorIdFrom`), enforced here once for every chart.
 */
export function eventRefusalReason(
  def: ProcedureDefinition,
  snapshot: AnyMachineSnapshot,
  request: SendEventRequest | undefined,
): string | null {
  const event = request?.event as Partial<ProcedureEvent> | undefined;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') return 'an event needs a type';
  const actor = event.actor;
  if (!actor || typeof actor !== 'object' || typeof actor.kind !== 'string' || typeof actor.id !== 'string' || actor.id === '') {
    return 'an event needs an actor { kind, id }';
  }
  const decl: EventDeclaration | undefined = def.events.find((e) => e.type === event.type);
  if (!decl) return `"${event.type}" is not an event of ${def.id} v${def.version}`;
  if (decl.actor !== actor.kind) return `"${event.type}" is sent by a ${decl.actor}, not a ${actor.kind}`;
  if (decl.agency && actor.agency !== decl.agency) return `"${event.type}" is sent by an officer of ${decl.agency}`;
  for (const f of decl.requiredFields ?? []) {
    const v = (event as Record<string, unknown>)[f];
    const ok = (decl.arrayFields ?? []).includes(f) ? Array.isArray(v) && v.length > 0 : typeof v === 'string' && v.trim() !== '';
    if (!ok) return `"${event.type}" needs "${f}"`;
  }
  for (const f of decl.arrayFields ?? []) {
    const v = (event as Record<string, unknown>)[f];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return `"${f}" must be a list of strings`;
  }
  const dataProblem = dataRefusal(def, decl, event as Record<string, unknown>);
  if (dataProblem) return dataProblem;
  if (snapshot.status !== 'active') return 'the case is closed';
  if (!snapshot.can(event as ProcedureEvent)) {
    return `"${event.type}" from ${actor.kind}:${actor.id} is not accepted in state ${JSON.stringify(snapshot.value)}`;
  }
  // The one person the declaration names (e.g. the household head): charts do not restate it (from v2 on).
  if (decl.actorIdFrom && actor.id !== getPath(snapshot.context, decl.actorIdFrom)) {
    return `"${event.type}" is sent only by the person at ${decl.actorIdFrom} of the case, not ${actor.kind}:${actor.id}`;
  }
  return null;
}

/** Who sent an event, as the history and `decidedBy` name them ("officer:o-1@justice", "citizen:079…"). */
export function senderLabel(event: ProcedureEvent): { who: string; decidedBy: string } {
  const who = `${event.actor.kind}:${event.actor.id}`;
  return { who, decidedBy: event.actor.agency ? `${who}@${event.actor.agency}` : who };
}

/**
 * Records an accepted event in the case record (history, last actor, dossier completion) and returns the event the
 * chart receives, stamped with the workflow time `at`.
 */
export function recordAcceptedEvent(
  def: ProcedureDefinition,
  rec: { history: { type: string; actor: string; at: string }[]; lastActor: string; dossierCompleteAt: string | null },
  request: SendEventRequest,
  at: string,
): ProcedureEvent {
  const event: ProcedureEvent = { ...request.event, at };
  const { who, decidedBy } = senderLabel(event);
  rec.lastActor = decidedBy;
  rec.history.push({ type: event.type, actor: who, at });
  if (def.events.find((e) => e.type === event.type)?.completesDossier) rec.dossierCompleteAt = at;
  return event;
}
