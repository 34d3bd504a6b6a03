/**
 * Long-running cases (years-long procedures, cases with many events) continue as new before their history grows
 * past what Temporal allows: at a quiet moment (chart active, no service running, no handler running) the run
 * ends with ContinueAsNew carrying the chart's persisted snapshot, the case record (timeline, history, refused
 * signals, dossier completion) and the chart delays still pending, which the next run re-arms for their remaining
 * time. Pending delays are followed through XState's public inspection API (`xstate.raise` with a delay,
 * `xstate.cancel`, the delivered event).
 */
import { continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import type { AnyMachineSnapshot, InspectionEvent } from 'xstate';
import type { CaseResume, PendingDelay, RunProcedureInput } from './definitions';
import type { WorkflowClock } from './xstate-clock';

/** Cases started before continue-as-new existed replay without it. */
export const CONTINUE_AS_NEW_PATCH = 'continue-as-new-v1';
/** Well under Temporal's 51 200-event limit (and its 10 240-event warning). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;

export interface DelayTracker {
  /** XState `inspect` observer: follows the chart's delayed events. */
  inspect: (event: InspectionEvent) => void;
  /** Re-arms delays carried from the previous run on this run's clock; `deliver` sends the event to the chart. */
  restore: (delays: readonly PendingDelay[], clock: WorkflowClock, deliver: (event: { type: string }) => void) => void;
  pending: () => PendingDelay[];
}

export function createDelayTracker(now: () => number): DelayTracker {
  const pending = new Map<string, PendingDelay>();
  const restored = new Map<string, { clock: WorkflowClock; timer: number }>();
  const forget = (id: string) => {
    pending.delete(id);
    const r = restored.get(id);
    if (r) {
      restored.delete(id);
      r.clock.clearTimeout(r.timer);
    }
  };
  return {
    inspect(e) {
      if (e.type === '@xstate.action') {
        const { type, params } = e.action as { type: string; params?: { id?: string; delay?: unknown; event?: { type: string }; sendId?: string } };
        if (type === 'xstate.raise' && typeof params?.delay === 'number' && params.id && params.event) {
          pending.set(params.id, { id: params.id, event: { type: params.event.type }, dueAt: new Date(now() + params.delay).toISOString() });
        } else if (type === 'xstate.cancel' && typeof params?.sendId === 'string') forget(params.sendId);
      } else if (e.type === '@xstate.event') {
        for (const [id, p] of pending) if (p.event.type === e.event.type) forget(id);
      }
    },
    restore(delays, clock, deliver) {
      for (const d of delays) {
        pending.set(d.id, d);
        const timer = clock.setTimeout(() => {
          restored.delete(d.id);
          if (pending.has(d.id)) deliver(d.event);
        }, Math.max(1, Date.parse(d.dueAt) - now()));
        restored.set(d.id, { clock, timer });
      }
    },
    pending: () => [...pending.values()].map((p) => ({ ...p, event: { ...p.event } })),
  };
}

/** No service running, nothing to lose by ending the run here. */
export function isQuiet(snap: AnyMachineSnapshot): boolean {
  return snap.status === 'active' && Object.keys(snap.children ?? {}).length === 0;
}

/** Whether this run's history is long enough to continue as new (Temporal's suggestion or the case's threshold). */
export function historyIsLong(input: RunProcedureInput): boolean {
  const info = workflowInfo();
  const limit = input.options?.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  return info.continueAsNewSuggested || info.historyLength >= limit;
}

export interface Rollover {
  /** The run should end here and continue as new. */
  due: () => boolean;
  /**
   * Whether this code version may continue as new here: a patch marker, decided before any other command, so
   * histories recorded before continue-as-new existed replay without it (and never ask again).
   */
  allowed: () => boolean;
  roll: (resume: CaseResume) => Promise<never>;
}

export function createRollover(input: RunProcedureInput, snapshot: () => AnyMachineSnapshot): Rollover {
  let allowed = true;
  return {
    due: () => allowed && isQuiet(snapshot()) && historyIsLong(input),
    allowed: () => (allowed = allowed && patched(CONTINUE_AS_NEW_PATCH)),
    roll: (resume) => continueAsNew<(args: RunProcedureInput) => Promise<unknown>>({ ...input, missingFields: [], resume }),
  };
}
