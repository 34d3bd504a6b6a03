/**
 * The "awaiting applicant data" phase of a case: the application arrived with fields only the citizen can give still
 * missing (everything the state holds was already resolved by the API). The case waits for them as a validated
 * update before the procedure's chart starts; a field the state holds is refused (once-only), never stored.
 * Sandbox code: pure checks plus Temporal primitives.
 */
import { ApplicationFailure, condition, defineUpdate, setHandler } from '@temporalio/workflow';
import { checkFieldValue } from '../domain/once-only';
import type { EventActor, ProcedureDefinition } from '../procedures/types';
import { MESSAGE_TOO_LARGE } from './definitions';
import { oversizeRefusal } from './event-validation';

export const DATA_NOT_ACCEPTED = 'DATA_NOT_ACCEPTED';

export interface ProvideDataRequest {
  actor: EventActor;
  fields: Record<string, unknown>;
}

export interface ProvideDataResult {
  accepted: string[];
  /** Fields still missing; the procedure starts when this is empty. */
  missing: string[];
}

export const provideDataUpdate = defineUpdate<ProvideDataResult, [ProvideDataRequest]>('provideData');

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

function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/**
 * Waits until every missing field is given (returns the completed application) or `windowMs` passes (returns null).
 * `onChange` lets the runner expose the phase in its snapshot query.
 */
export async function collectMissingData(opts: {
  def: ProcedureDefinition;
  application: Record<string, unknown>;
  missing: readonly string[];
  applicantId: string | undefined;
  windowMs: number;
  onChange?: (missing: string[]) => void;
}): Promise<{ application: Record<string, unknown>; remaining: string[] }> {
  const application = JSON.parse(JSON.stringify(opts.application)) as Record<string, unknown>;
  const remaining = [...opts.missing];
  setHandler(
    provideDataUpdate,
    (request) => {
      for (const [name, value] of Object.entries(request.fields)) {
        setPath(application, name, value);
        remaining.splice(remaining.indexOf(name), 1);
      }
      opts.onChange?.([...remaining]);
      return { accepted: Object.keys(request.fields), missing: [...remaining] };
    },
    {
      validator: (request) => {
        const oversize = oversizeRefusal(request);
        if (oversize !== null) throw ApplicationFailure.create({ type: MESSAGE_TOO_LARGE, message: oversize, nonRetryable: true });
        const refusal = dataRefusal(opts.def, opts.applicantId, remaining, request);
        if (refusal) {
          throw ApplicationFailure.create({ type: DATA_NOT_ACCEPTED, message: refusal.message, nonRetryable: true, details: [refusal] });
        }
      },
    },
  );
  if (remaining.length > 0) await condition(() => remaining.length === 0, opts.windowMs);
  return { application, remaining };
}
