/**
 * What the runner provides to a chart: each declared service as an activity on its agency's task queue (a Temporal
 * failure mapped to the ServiceFailure the chart reads), and each declared delay in working days on the calendar.
 */
import { ActivityFailure, ApplicationFailure, CancelledFailure, proxyActivities } from '@temporalio/workflow';
import { fromPromise } from 'xstate';
import type { AgencyId } from '../domain/registries';
import type { RegistryRecordRead } from '../domain/once-only';
import type { ProcedureDefinition, ServiceFailure, ServiceRequest } from '../procedures/types';
import { WORKING_CALENDAR } from './calendar';
import { workingDaysDelayMs } from './deadlines';
import { agencyTaskQueue } from './task-queues';
import { heldRecordsFor } from './data-merge';

type ServiceFn = (request: ServiceRequest) => Promise<unknown>;

export function toServiceFailure(err: unknown): ServiceFailure {
  if (err instanceof CancelledFailure) throw err;
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    return { code: err.cause.type ?? 'SERVICE_FAILED', message: err.cause.message };
  }
  return { code: 'SERVICE_FAILED', message: err instanceof Error ? err.message : String(err) };
}

/** What a case's service calls need from the case: its id, who led to the call, the records read at receipt. */
export interface CaseServices {
  caseId: string;
  /** Whose accepted event led to the call ("system" if none), read at each call. */
  decidedBy: () => string;
  /** The registry records read when the application was received: they go with the receiving agency's requests. */
  held?: readonly RegistryRecordRead[];
}

/**
 * Where a case's `CaseServices` sit: a property of its chart actor's system (XState hands every invoked service the
 * system of the actor that runs the chart, one per case). The service actors are built once per procedure and shared
 * by every case of a workflow thread (runnable-charts.ts), so a call finds its case there; the property lives and dies
 * with the case's actor, and no case can reach another's. Not a WeakMap keyed by the system: its values would hold
 * their own keys (the closures reach the case's actor), ephemerons for each major GC to iterate over, a thousand per
 * workflow thread; measured, neither was dearer (docs/performance.md, 2026-12-06 night).
 */
const CASE_SERVICES = Symbol('caseServices');

/** Binds a case's chart actor (its `system`) to the case, before the actor starts; once. */
export function bindCaseServices(system: object, services: CaseServices): void {
  Object.defineProperty(system, CASE_SERVICES, { value: services, enumerable: false, writable: false, configurable: false });
}

const boundTo = (system: object): CaseServices | undefined => (system as { [CASE_SERVICES]?: CaseServices })[CASE_SERVICES];

export class UnboundCaseServicesError extends Error {
  readonly code = 'UNBOUND_CASE_SERVICES';
  constructor(service: string) {
    super(`Service "${service}" was invoked by a chart actor not bound to a case (bindCaseServices)`);
  }
}

/** The service actors of a procedure, for every case: each call reads its case from the invoking actor's system. */
export function serviceActors(def: ProcedureDefinition) {
  const proxies = new Map<AgencyId, Record<string, ServiceFn>>();
  for (const agency of def.agencies) {
    proxies.set(
      agency,
      proxyActivities<Record<string, ServiceFn>>({
        taskQueue: agencyTaskQueue(agency),
        startToCloseTimeout: '1 minute',
        // Registry outages are retried for up to 30 days; then the chart takes its error path (an officer looks).
        scheduleToCloseTimeout: '30 days',
        retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
      }),
    );
  }
  return Object.fromEntries(
    def.services.map((s) => [
      s.name,
      // Not an async function: in the sandbox every promise costs a captured stack (the SDK's promise hook), and an
      // async function with an await makes two more per call than the activity's own.
      fromPromise<unknown, unknown>(({ input, system }) => {
        try {
          const bound = boundTo(system);
          if (!bound) throw new UnboundCaseServicesError(s.name);
          const call = proxies.get(s.agency)![s.name];
          const lastActor = bound.decidedBy();
          const carried = heldRecordsFor(def, s, bound.held);
          const request: ServiceRequest = {
            access: {
              procedureId: def.id,
              procedureVersion: def.version,
              caseId: bound.caseId,
              purpose: s.purpose,
              legalBasis: s.legalBasis,
              // The agency's system step writes; the person whose event led here is named apart.
              actor: `system:${s.agency}.${s.name}`,
              ...(lastActor !== 'system' ? { decidedBy: lastActor } : {}),
            },
            input,
            ...(carried ? { held: carried } : {}),
          };
          return call(request).then(undefined, (err: unknown) => {
            throw toServiceFailure(err);
          });
        } catch (err) {
          return Promise.reject(err);
        }
      }),
    ]),
  );
}

/** Length of a named delay from workflow time now: the override (tests, operations) or its working days. */
export function delayMs(def: ProcedureDefinition, name: string, overrides: Record<string, number> | undefined, fallbackWorkingDays?: number): number {
  const override = overrides?.[name];
  if (override !== undefined) return override;
  const days = def.delays.find((d) => d.name === name)?.workingDays ?? fallbackWorkingDays;
  return days === undefined ? 0 : workingDaysDelayMs(new Date(), days, WORKING_CALENDAR);
}

/** The chart's named delays, each evaluated when a state with it is entered. */
export function chartDelays(def: ProcedureDefinition, overrides: Record<string, number> | undefined) {
  return Object.fromEntries(def.delays.map((d) => [d.name, () => delayMs(def, d.name, overrides)]));
}
