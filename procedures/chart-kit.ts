/**
 * Small helpers shared by the catalog's charts beyond the birth group: service placeholders (the runner provides
 * the real services), reading done/error events, refusals. Sandbox-safe.
 */
import { fromPromise } from 'xstate';
import type { AgencyId } from '../activities/registries/types';
import type { ProcedureEvent, ServiceFailure } from './types';
import { ServiceNotProvidedError } from './birth-setup';

export { NOMINAL_WORKING_DAY_MS } from './birth-setup';

export function placeholder<O, I>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new ServiceNotProvidedError(name);
  });
}

export interface Refusal {
  step: string;
  reason: string;
  by: string;
  code?: string;
}

export function failureOf(event: unknown): ServiceFailure {
  const error = (event as { error?: Partial<ServiceFailure> }).error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'SERVICE_FAILED',
    message: typeof error?.message === 'string' ? error.message : 'service failed',
  };
}

export function outputOf<O>(event: unknown): O {
  return (event as { output: O }).output;
}

export function actorLabel(e: ProcedureEvent): string {
  return `${e.actor.kind}:${e.actor.id}`;
}

export function isOfficerOf(event: ProcedureEvent, agency: AgencyId): boolean {
  return event.actor?.kind === 'officer' && event.actor.agency === agency;
}

export function hasReason(event: ProcedureEvent): boolean {
  return typeof event.reason === 'string' && event.reason.trim() !== '';
}

export function isCitizen(event: ProcedureEvent, personalId: string | undefined | null): boolean {
  return event.actor?.kind === 'citizen' && !!personalId && event.actor.id === personalId;
}

/** A refusal from an event (reason from the event, else the given one). */
export function refusalFromEvent(step: string, event: ProcedureEvent, fallback?: string): Refusal {
  const reason = hasReason(event) ? (event.reason as string) : (fallback ?? 'refused');
  return { step, reason, by: actorLabel(event) };
}

/** A refusal caused by a failed service (its error code kept). */
export function refusalFromFailure(step: string, event: unknown): Refusal {
  const f = failureOf(event);
  return { step, reason: f.message, code: f.code, by: 'system' };
}
