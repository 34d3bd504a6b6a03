/**
 * The "awaiting applicant data" phase of a case: the application arrived with fields only the citizen can give still
 * missing (everything the state holds was already resolved by the API). The case waits for them as a validated
 * update before the procedure's chart starts; a field the state holds is refused (once-only), never stored.
 * Sandbox code: pure checks plus Temporal primitives.
 */
import { ApplicationFailure, condition, defineUpdate, setHandler } from '@temporalio/workflow';
import type { ProcedureDefinition } from '../procedures/types';
import { dataRefusal, dataWindowWorkingDays, type ProvideDataRequest } from './applicant-data-rules';
import type { CaseRecord } from './case-view';
import { delayMs } from './chart-services';
import { enterPhase, leavePhase } from './case-timeline';
import { MESSAGE_TOO_LARGE } from './definitions';
import type { ErrorCode } from '../domain/error-codes';
import { oversizeRefusal } from './event-validation';
import { setPath } from '../domain/data-paths';

export const DATA_NOT_ACCEPTED = 'DATA_NOT_ACCEPTED' satisfies ErrorCode;
export type { ProvideDataRequest } from './applicant-data-rules';
export { dataRefusal, dataWindowWorkingDays, dataLapseReason, DEFAULT_DATA_WINDOW_WORKING_DAYS } from './applicant-data-rules';


export interface ProvideDataResult {
  accepted: string[];
  /** Fields still missing; the procedure starts when this is empty. */
  missing: string[];
}

export const provideDataUpdate = defineUpdate<ProvideDataResult, [ProvideDataRequest]>('provideData');

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


/**
 * The applicant-data phase: the API resolved everything the state holds; what only the citizen can give and is still
 * missing is awaited (validated update) before the chart starts, within the procedure's declared window. Returns the
 * completed application, or null when the window lapsed (the case is then closed, rejected).
 */
export async function awaitApplicantData(o: {
  def: ProcedureDefinition;
  rec: CaseRecord;
  application: Record<string, unknown>;
  applicantId: string | undefined;
  overrides: Record<string, number> | undefined;
  changed: () => void;
  now: () => string;
}): Promise<Record<string, unknown> | null> {
  enterPhase(o.rec.timeline, 'awaitingData', o.now());
  o.changed();
  const windowMs = delayMs(o.def, 'supplementWindow', o.overrides, dataWindowWorkingDays(o.def));
  const collected = await collectMissingData({
    def: o.def,
    application: o.application,
    missing: o.rec.missingFields,
    applicantId: o.applicantId,
    windowMs,
    onChange: (m) => {
      o.rec.missingFields = m;
      o.changed();
    },
  });
  o.rec.missingFields = collected.remaining;
  leavePhase(o.rec.timeline, o.now());
  if (o.rec.missingFields.length > 0) {
    o.rec.timeline.doneAt = o.now();
    return null;
  }
  o.rec.dossierCompleteAt = o.now();
  return collected.application;
}
