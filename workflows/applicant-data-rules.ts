/**
 * The rules of the applicant-data phase (pure): which data submissions are acceptable, and the window the
 * procedure declares for them.
 */
import { checkFieldValue } from '../domain/once-only';
import type { EventActor, ProcedureDefinition } from '../procedures/types';

export interface ProvideDataRequest {
  actor: EventActor;
  fields: Record<string, unknown>;
}

/** Window for missing applicant data when the procedure declares no `supplementWindow` delay (Decree 63/2024). */
export const DEFAULT_DATA_WINDOW_WORKING_DAYS = 7;

/** The working days the applicant has to give missing data: the procedure's declared `supplementWindow`. */
export function dataWindowWorkingDays(def: ProcedureDefinition): number {
  return def.delays.find((d) => d.name === 'supplementWindow')?.workingDays ?? DEFAULT_DATA_WINDOW_WORKING_DAYS;
}

/** Why a case lapsed in the applicant-data phase, in the procedure's declared window. */
export function dataLapseReason(def: ProcedureDefinition): string {
  return `the application was not completed within ${dataWindowWorkingDays(def)} working days`;
}

/** Why a data submission is refused, or null when it is acceptable. */
export function dataRefusal(
  def: ProcedureDefinition,
  applicantId: string | undefined,
  missing: readonly string[],
  request: ProvideDataRequest,
): { code: string; message: string } | null {
  if (!request || typeof request !== 'object' || !request.fields || typeof request.fields !== 'object') {
    return { code: 'INVALID_REQUEST', message: 'expected { actor, fields }' };
  }
  if (request.actor?.kind !== 'citizen' || (applicantId !== undefined && request.actor.id !== applicantId)) {
    return { code: 'ACTOR_NOT_ALLOWED', message: 'only the applicant may give the missing data' };
  }
  const names = Object.keys(request.fields);
  if (names.length === 0) return { code: 'INVALID_REQUEST', message: 'no fields given' };
  for (const name of names) {
    const decl = def.data.find((d) => d.name === name);
    if (!decl) return { code: 'UNKNOWN_FIELD', message: `"${name}" is not a field of ${def.id}` };
    if (decl.source.kind !== 'citizen') {
      const holder = decl.source.kind === 'registry' ? `the ${decl.source.registry} registry` : `step ${decl.source.step}`;
      return { code: 'DATA_ALREADY_HELD', message: `"${name}" is held by ${holder}; it must not be collected again` };
    }
    if (!missing.includes(name)) return { code: 'FIELD_NOT_MISSING', message: `"${name}" was already given` };
    const problem = checkFieldValue(decl, request.fields[name]);
    if (problem) return { code: 'INVALID_FIELD_VALUE', message: `"${name}": ${problem}` };
  }
  return null;
}

