/**
 * What a reset to a named state does again and what it does not, read from the history after the reset point that
 * the dry run found (`resetEventId`): the registry services scheduled after it run again (registry writes are
 * idempotent per case and operation, so the registers keep the first write), while the decisions and answers
 * received after it (updates, signals) are not reapplied and must be sent again.
 */
import type { temporal } from '@temporalio/proto';
import { caseRef, tsToIso, type OpsDeps } from '../../ops/common';

export interface ResetPlan {
  /** Services that run again from the reset point (each once). */
  runAgain: { service: string; queue: string; completedBefore: boolean }[];
  /** Decisions and answers given after the reset point: not reapplied. */
  notReapplied: { at: string; event: string; by: string }[];
  /** Timers (chart delays and deadlines) started again. */
  timersRestarted: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function decodedEvent(deps: OpsDeps, payload: temporal.api.common.v1.IPayload | null | undefined): { type: string; by: string } {
  if (!payload) return { type: '?', by: '?' };
  try {
    const v = deps.client.options.loadedDataConverter.payloadConverter.fromPayload<{ event?: { type?: string; actor?: { kind?: string; id?: string } } }>(payload);
    return { type: v?.event?.type ?? '?', by: `${v?.event?.actor?.kind ?? '?'}:${v?.event?.actor?.id ?? '?'}` };
  } catch {
    return { type: '?', by: '?' };
  }
}

export function planFromHistory(deps: OpsDeps, events: HistoryEvent[], resetEventId: number): ResetPlan {
  const plan: ResetPlan = { runAgain: [], notReapplied: [], timersRestarted: 0 };
  const completed = new Set<string>();
  for (const e of events) {
    const s = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    if (s != null) completed.add(String(s));
  }
  const seen = new Set<string>();
  for (const e of events) {
    if (Number(e.eventId ?? 0) <= resetEventId) continue;
    const a = e.activityTaskScheduledEventAttributes;
    if (a) {
      const service = a.activityType?.name ?? '?';
      if (!seen.has(service)) {
        seen.add(service);
        plan.runAgain.push({ service, queue: a.taskQueue?.name ?? '?', completedBefore: completed.has(String(e.eventId)) });
      }
    }
    if (e.timerStartedEventAttributes) plan.timersRestarted++;
    const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (update) plan.notReapplied.push({ at: tsToIso(e.eventTime) ?? '', ...renameType(decodedEvent(deps, update.args?.payloads?.[0])) });
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal) plan.notReapplied.push({ at: tsToIso(e.eventTime) ?? '', ...renameType(decodedEvent(deps, signal.input?.payloads?.[0])) });
  }
  return plan;
}

const renameType = (x: { type: string; by: string }) => ({ event: x.type, by: x.by });

export async function resetPlan(deps: OpsDeps, caseId: string, resetEventId: number): Promise<ResetPlan> {
  const ref = await caseRef(deps, caseId);
  const events = (await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory()).events ?? [];
  return planFromHistory(deps, events, resetEventId);
}
