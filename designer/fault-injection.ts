/**
 * Fault injection for simulations: a plan, keyed by case id, of which calls of which services fail. The engine
 * session's agency workers consult it through a Temporal activity interceptor (`interceptors.activity` of the
 * worker options) and throw a non-retryable ApplicationFailure of the planned type instead of running the activity,
 * so the runner maps it to the chart's error event exactly as it would a registry refusal. Everything else stays
 * real (devserver, workers, registries); cases without a plan are untouched. Only the designer's engine session
 * installs the interceptor: production workers never have it.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export interface Fault {
  /** Service (activity) name. */
  service: string;
  /** Which call of the service in the case fails, counting from 1 (a loop may call a service again). */
  call: number;
  /** The failure type the chart sees as its error code. */
  code: string;
}

export const SIMULATED_FAILURE = 'SIMULATED_FAILURE';

export class FaultPlan {
  private readonly plans = new Map<string, Fault[]>();
  /** caseId → service → activity ids in the order their first attempt was seen. */
  private readonly calls = new Map<string, Map<string, string[]>>();
  /** Failures injected so far, by case id. */
  readonly injected = new Map<string, Fault[]>();

  /** Plans the failures of one case (before it starts). */
  plan(caseId: string, faults: readonly Fault[]): void {
    if (faults.length > 0) this.plans.set(caseId, [...faults]);
  }

  /** The planned failure of this call, if any. Retries of an activity (same id) get the same answer. */
  faultFor(caseId: string, service: string, activityId: string): Fault | undefined {
    const faults = this.plans.get(caseId);
    if (!faults) return undefined;
    const byService = this.calls.get(caseId) ?? new Map<string, string[]>();
    this.calls.set(caseId, byService);
    const seen = byService.get(service) ?? [];
    byService.set(service, seen);
    if (!seen.includes(activityId)) seen.push(activityId);
    const call = seen.indexOf(activityId) + 1;
    return faults.find((f) => f.service === service && f.call === call);
  }

  /** The activity interceptor the engine session's workers install. */
  readonly interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const caseId = (input.args[0] as { access?: { caseId?: unknown } } | undefined)?.access?.caseId;
        const fault = typeof caseId === 'string' ? this.faultFor(caseId, ctx.info.activityType, ctx.info.activityId) : undefined;
        if (!fault) return next(input);
        this.injected.set(caseId as string, [...(this.injected.get(caseId as string) ?? []), fault]);
        throw ApplicationFailure.create({
          type: fault.code,
          message: `simulated failure of ${fault.service} (call ${fault.call}) injected by the designer`,
          nonRetryable: true,
        });
      },
    },
  });
}
