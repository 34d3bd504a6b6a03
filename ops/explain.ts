/**
 * A case's story in statechart terms: the snapshot's timeline (states entered/left), accepted and refused events,
 * deadlines, combined with the history (activities = registry calls on agency queues, timers, updates, signals,
 * workflow-task failures) and the audit log rows (registry calls and operator actions).
 */
import { decodeHistoryEvents } from '../worker/codec/history-decoding';
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from './proto';
import { listAudit } from '../db/engine/audit-queries';
import type { CaseSnapshot } from '../workflows/definitions';
import { OPERATOR_REGISTRY } from './audit';
import { caseRef, failureMessage, nowOf, tsToIso, type CaseRef, type OpsDeps } from './common';
import { inspectCase, trySnapshot, type StuckReason } from './stuck';

export type ExplainKind = 'case' | 'state' | 'event' | 'registry' | 'activity' | 'timer' | 'deadline' | 'failure' | 'operator';

export interface ExplainEntry {
  at: string;
  kind: ExplainKind;
  text: string;
  source: 'history' | 'snapshot' | 'audit' | 'describe';
  eventId?: number;
}

export interface Explanation {
  case: CaseRef;
  /** Null when the engine did not answer the snapshot query (no engine worker, failing workflow task). */
  current: Pick<CaseSnapshot, 'status' | 'activeStates' | 'outcome' | 'acceptedEvents' | 'steps'> | null;
  stuck: StuckReason[];
  entries: ExplainEntry[];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const ET = proto.api.enums.v1.EventType;

function eventTypeName(e: HistoryEvent): string {
  return (ET[e.eventType ?? 0] ?? String(e.eventType)).replace('EVENT_TYPE_', '');
}

function durationText(d: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  const iso = tsToIso(d);
  if (iso === null) return '?';
  const ms = Date.parse(iso);
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)}d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 1000).toFixed(1)}s`;
}

function describeEventPayload(deps: OpsDeps, payload: temporal.api.common.v1.IPayload | null | undefined): string {
  if (!payload) return '';
  try {
    const v = deps.client.options.loadedDataConverter.payloadConverter.fromPayload<{ event?: { type?: string; actor?: { kind?: string; id?: string } } }>(payload);
    if (v?.event?.type) return `${v.event.type} by ${v.event.actor?.kind ?? '?'}:${v.event.actor?.id ?? '?'}`;
    return JSON.stringify(v).slice(0, 200);
  } catch {
    return '';
  }
}

/** History events → entries. Exported for reuse by the replay/reset tooling. */
export function historyEntries(deps: OpsDeps, events: HistoryEvent[]): ExplainEntry[] {
  const out: ExplainEntry[] = [];
  const scheduled = new Map<string, { type: string; queue: string }>();
  const timers = new Map<string, string>();
  for (const e of events) {
    const at = tsToIso(e.eventTime) ?? '';
    const eventId = Number(e.eventId ?? 0);
    const push = (kind: ExplainKind, text: string) => out.push({ at, kind, text, source: 'history', eventId });
    const sched = (id: unknown) => scheduled.get(String(id)) ?? { type: '?', queue: '?' };
    if (e.workflowExecutionStartedEventAttributes) push('case', 'case started');
    else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const info = { type: a.activityType?.name ?? '?', queue: a.taskQueue?.name ?? '?' };
      scheduled.set(String(eventId), info);
      push('activity', `registry service ${info.type} scheduled on ${info.queue}`);
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const info = sched(a.scheduledEventId);
      push('activity', `${info.type} started (attempt ${a.attempt ?? 1})${a.lastFailure ? `, previous failure: ${failureMessage(a.lastFailure)}` : ''}`);
    } else if (e.activityTaskCompletedEventAttributes) {
      push('activity', `${sched(e.activityTaskCompletedEventAttributes.scheduledEventId).type} completed`);
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      push('failure', `${sched(a.scheduledEventId).type} failed: ${failureMessage(a.failure) ?? '?'}`);
    } else if (e.activityTaskTimedOutEventAttributes) {
      const a = e.activityTaskTimedOutEventAttributes;
      push('failure', `${sched(a.scheduledEventId).type} timed out: ${failureMessage(a.failure) ?? '?'}`);
    } else if (e.activityTaskCanceledEventAttributes) {
      push('activity', `${sched(e.activityTaskCanceledEventAttributes.scheduledEventId).type} cancelled`);
    } else if (e.timerStartedEventAttributes) {
      const t = e.timerStartedEventAttributes;
      const d = durationText(t.startToFireTimeout);
      timers.set(t.timerId ?? '', d);
      push('timer', `timer ${t.timerId} started (${d}): a chart delay or deadline`);
    } else if (e.timerFiredEventAttributes) {
      push('timer', `timer ${e.timerFiredEventAttributes.timerId} fired (${timers.get(e.timerFiredEventAttributes.timerId ?? '') ?? '?'})`);
    } else if (e.timerCanceledEventAttributes) {
      push('timer', `timer ${e.timerCanceledEventAttributes.timerId} cancelled (the chart left the state)`);
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const s = e.workflowExecutionSignaledEventAttributes;
      push('event', `signal ${s.signalName}: ${describeEventPayload(deps, s.input?.payloads?.[0])}`);
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const input = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
      push('event', `update ${input?.name ?? '?'} accepted: ${describeEventPayload(deps, input?.args?.payloads?.[0])}`);
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const o = e.workflowExecutionUpdateCompletedEventAttributes.outcome;
      if (o?.failure) push('failure', `update failed: ${failureMessage(o.failure)}`);
    } else if (e.workflowTaskFailedEventAttributes) {
      const f = e.workflowTaskFailedEventAttributes;
      const cause = f.cause != null ? proto.api.enums.v1.WorkflowTaskFailedCause[f.cause] : '?';
      push('failure', `workflow task failed (${String(cause).replace('WORKFLOW_TASK_FAILED_CAUSE_', '')}): ${failureMessage(f.failure) ?? ''}`);
    } else if (e.workflowTaskTimedOutEventAttributes) {
      push('failure', 'workflow task timed out');
    } else if (e.workflowExecutionCompletedEventAttributes) push('case', 'case completed');
    else if (e.workflowExecutionFailedEventAttributes) push('failure', `case failed: ${failureMessage(e.workflowExecutionFailedEventAttributes.failure)}`);
    else if (e.workflowExecutionTerminatedEventAttributes) {
      const t = e.workflowExecutionTerminatedEventAttributes;
      push('case', `case terminated by ${t.identity || '?'}: ${t.reason ?? ''}`);
    } else if (e.workflowExecutionCancelRequestedEventAttributes) {
      push('case', `cancellation requested: ${e.workflowExecutionCancelRequestedEventAttributes.cause ?? ''}`);
    } else if (e.workflowExecutionCanceledEventAttributes) push('case', 'case cancelled');
    else if (e.workflowExecutionContinuedAsNewEventAttributes) push('case', 'continued as new');
    else if (eventTypeName(e) === 'MARKER_RECORDED') push('case', `marker ${e.markerRecordedEventAttributes?.markerName ?? ''}`);
  }
  return out;
}

function snapshotEntries(snap: CaseSnapshot, now: Date): ExplainEntry[] {
  const out: ExplainEntry[] = [];
  for (const t of snap.timeline) {
    out.push({ at: t.enteredAt, kind: 'state', text: `entered ${t.state}`, source: 'snapshot' });
    if (t.leftAt) out.push({ at: t.leftAt, kind: 'state', text: `left ${t.state}`, source: 'snapshot' });
  }
  for (const h of snap.history) out.push({ at: h.at, kind: 'event', text: `chart took ${h.type} from ${h.actor}`, source: 'snapshot' });
  for (const r of snap.rejectedEvents) {
    const ev = r.event as { type?: string } | null;
    out.push({ at: r.at, kind: 'event', text: `refused ${ev?.type ?? '?'}: ${r.reason}`, source: 'snapshot' });
  }
  for (const s of snap.steps) {
    if (!s.dueAt) continue;
    const state = s.completedAt
      ? s.onTime
        ? 'met'
        : 'missed'
      : s.onTime === false || Date.parse(s.dueAt) < now.getTime()
        ? 'MISSED (still open)'
        : 'open';
    out.push({ at: s.dueAt, kind: 'deadline', text: `step ${s.step} due (${s.workingDays} working days, ${s.legalBasis}): ${state}`, source: 'snapshot' });
  }
  return out;
}

/** Explains a case (its current run). */
export async function explainCase(deps: OpsDeps, caseId: string, opts: { queryTimeoutMs?: number; notPickedUpMs?: number; pollerStaleMs?: number } = {}): Promise<Explanation> {
  const ref = await caseRef(deps, caseId);
  const handle = deps.client.workflow.getHandle(ref.workflowId, ref.runId);
  const history = await handle.fetchHistory();
  // Payloads are encrypted in the history: decoded with this client's codec (its key, or the codec endpoint).
  const events = await decodeHistoryEvents(deps.client.options.loadedDataConverter.payloadCodecs, history.events ?? []);
  const entries = historyEntries(deps, events);
  const inspected = await inspectCase(deps, ref, { queryTimeoutMs: opts.queryTimeoutMs, notPickedUpMs: opts.notPickedUpMs, pollerStaleMs: opts.pollerStaleMs, attemptThreshold: 2 });
  const snap = inspected.reasons.some((r) => r.kind === 'workflowTaskFailing' || (r.kind === 'noWorker' && r.agency === null))
    ? null
    : await trySnapshot(deps, ref, opts.queryTimeoutMs ?? 5_000);
  if (snap) entries.push(...snapshotEntries(snap, nowOf(deps)));
  const desc = await handle.describe();
  for (const a of desc.raw.pendingActivities ?? []) {
    if ((a.attempt ?? 1) > 1 || a.lastFailure) {
      entries.push({
        at: tsToIso(a.lastFailure ? (a.lastStartedTime ?? a.scheduledTime) : a.scheduledTime) ?? '',
        kind: 'failure',
        text: `${a.activityType?.name} retrying on ${a.activityOptions?.taskQueue?.name ?? '?'}: attempt ${a.attempt}, last error: ${failureMessage(a.lastFailure) ?? '?'}`,
        source: 'describe',
      });
    }
  }
  for (const a of await listAudit(deps.db, { caseId, limit: 10_000 })) {
    if (a.registry === (OPERATOR_REGISTRY as string)) {
      entries.push({ at: a.at, kind: 'operator', text: `${a.ctx.actor} ${a.operation} (${a.outcome}): ${a.ctx.purpose}${a.fields.length ? ` [${a.fields.join(', ')}]` : ''}`, source: 'audit' });
    } else {
      entries.push({
        at: a.at,
        kind: 'registry',
        text: `${a.ctx.agency} ${a.kind} ${a.registry}.${a.operation}${a.subjectId ? ` (${a.subjectId})` : ''} → ${a.outcome} as ${a.ctx.actor}: ${a.ctx.purpose}`,
        source: 'audit',
      });
    }
  }
  const order: Record<ExplainEntry['source'], number> = { history: 0, snapshot: 1, describe: 2, audit: 3 };
  entries.sort((a, b) => a.at.localeCompare(b.at) || order[a.source] - order[b.source] || (a.eventId ?? 0) - (b.eventId ?? 0));
  return {
    case: ref,
    current: snap
      ? { status: snap.status, activeStates: snap.activeStates, outcome: snap.outcome, acceptedEvents: snap.acceptedEvents, steps: snap.steps }
      : null,
    stuck: inspected.reasons,
    entries,
  };
}

export function formatExplanation(x: Explanation): string {
  const lines = [
    `case ${x.case.caseId} (${x.case.procedureId} v${x.case.procedureVersion}) ${x.case.status} — run ${x.case.runId}`,
    x.current
      ? `now: ${x.current.status} in ${x.current.activeStates.join(', ') || '-'}; accepts ${x.current.acceptedEvents.map((e) => `${e.type} (${e.actor})`).join(', ') || 'nothing'}`
      : 'now: the engine did not answer the snapshot query',
    ...x.stuck.map((r) => `STUCK: ${r.kind}`),
    '',
    ...x.entries.map((e) => `${e.at}  ${e.kind.padEnd(8)} ${e.text}`),
  ];
  return lines.join('\n');
}
