/** Which external events a case accepts (pure: runs in update validators and in tests). */
import type { AnyMachineSnapshot } from 'xstate';
import type { EventDeclaration, ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import type { SendEventRequest } from './definitions';
import { CASE_MESSAGE_MAX_BYTES, jsonSizeBytes } from '../domain/limits';

/** Why a message to the case is too large to enter its history, or null. */
export function oversizeRefusal(request: unknown): string | null {
  const size = jsonSizeBytes(request);
  return size > CASE_MESSAGE_MAX_BYTES ? `the message is ${size} bytes; a case accepts at most ${CASE_MESSAGE_MAX_BYTES}` : null;
}

/** Why an event is not accepted, or null when it is. Pure: runs in update validators. */
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
  if (snapshot.status !== 'active') return 'the case is closed';
  if (!snapshot.can(event as ProcedureEvent)) {
    return `"${event.type}" from ${actor.kind}:${actor.id} is not accepted in state ${JSON.stringify(snapshot.value)}`;
  }
  return null;
}
