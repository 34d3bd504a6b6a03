/**
 * One case for the operator: the timeline in the procedure's terms (states entered, registry reads and writes,
 * decisions, deadlines, failures, operator actions: ops/explain.ts `explainCase`) beside the raw workflow history,
 * the states it can be reset to, the events it accepts now, and the operator actions taken on it.
 */
import type { temporal } from '@temporalio/proto';
import { explainCase, type ExplainEntry, type Explanation } from '../../ops/explain';
import { listOperatorActions, type OperatorActionRow } from '../../ops/audit';
import { START_STATE } from '../../ops/repair';
import { temporal as proto } from '../../ops/proto';
import { tsToIso, type OpsDeps } from '../../ops/common';
import { trySnapshot } from '../../ops/stuck';

export interface RawHistoryEvent {
  eventId: number;
  at: string;
  type: string;
}

export interface OperatorCaseView {
  explanation: Explanation;
  /** Domain timeline: every entry but the raw activity/timer/marker bookkeeping of the history. */
  timeline: ExplainEntry[];
  history: RawHistoryEvent[];
  historyPage: number;
  historyPageCount: number;
  /** States the case was in (reset targets), oldest first, and "start". */
  resetTargets: string[];
  actions: OperatorActionRow[];
}

export const HISTORY_PAGE_SIZE = 100;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export function rawHistory(events: HistoryEvent[]): RawHistoryEvent[] {
  return events.map((e) => ({
    eventId: Number(e.eventId ?? 0),
    at: tsToIso(e.eventTime) ?? '',
    type: (proto.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace('EVENT_TYPE_', ''),
  }));
}

/** Domain entries: what the procedure did; the raw history keeps the engine's bookkeeping. */
function isDomain(e: ExplainEntry): boolean {
  if (e.source !== 'history') return true;
  return e.kind === 'case' ? !e.text.startsWith('marker ') : e.kind === 'event' || e.kind === 'failure';
}

export async function operatorCaseView(deps: OpsDeps, caseId: string, historyPage = 1): Promise<OperatorCaseView> {
  const explanation = await explainCase(deps, caseId, { queryTimeoutMs: 3_000 });
  const ref = explanation.case;
  const events = (await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory()).events ?? [];
  const history = rawHistory(events);
  const pageCount = Math.max(1, Math.ceil(history.length / HISTORY_PAGE_SIZE));
  const page = Math.min(Math.max(1, historyPage), pageCount);
  // Reset targets come from the chart's timeline (the same mapping ops/repair.ts `findResetPoint` uses).
  const snap = explanation.current ? await trySnapshot(deps, ref, 3_000) : null;
  const visited = [...new Set((snap?.timeline ?? []).map((t) => t.state))];
  return {
    explanation,
    timeline: explanation.entries.filter(isDomain),
    history: history.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE),
    historyPage: page,
    historyPageCount: pageCount,
    resetTargets: [...visited, START_STATE],
    actions: await listOperatorActions(deps.db, { caseId }),
  };
}
