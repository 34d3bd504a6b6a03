/**
 * Finding stuck cases. For each open case (visibility list query, see common.ts) we look at
 *  - DescribeWorkflowExecution: pending activities (attempt, last failure, task queue) and the pending workflow task;
 *  - DescribeTaskQueue: whether any worker polls the queue the case waits on;
 *  - the history (only when a workflow task is retrying): the last WorkflowTaskFailed's cause and failure;
 *  - the snapshot query (only when the engine answers): steps past their legal deadline.
 */
import { temporal as proto } from './proto';
import { snapshotQuery, type CaseSnapshot } from '../workflows/definitions';
import { agencyOfTaskQueue } from '../agencies/index';
import { agencyTaskQueue, ENGINE_TASK_QUEUE } from '../workflows/task-queues';
import {
  definitionOf,
  failureMessage,
  isUnimplemented,
  listCases,
  nowOf,
  nsOf,
  tsToIso,
  type CaseFilter,
  type CaseRef,
  type OpsDeps,
} from './common';

export type StuckReason =
  | {
      kind: 'activityRetrying';
      activityId: string;
      activityType: string;
      agency: string | null;
      taskQueue: string;
      attempts: number;
      lastError: string | null;
      nextAttemptAt: string | null;
    }
  | {
      kind: 'noWorker';
      taskQueue: string;
      agency: string | null;
      /** What waits on the queue: an activity type, or "workflow task". */
      waiting: string;
      waitingSince: string | null;
      /** How we know: DescribeTaskQueue ("no poller", "no live poller (last poll …)"), or the fallback when the server lacks it. */
      evidence: string;
    }
  | {
      kind: 'pastDeadline';
      step: string;
      dueAt: string;
      overdueMs: number;
      /** Who has to act now (from the events the current state accepts). */
      awaiting: { type: string; actor: string; agency?: string; actorId?: string }[];
      agency: string | null;
    }
  | {
      kind: 'workflowTaskFailing';
      attempt: number;
      cause: string | null;
      message: string | null;
      agency: null;
    };

export type StuckKind = StuckReason['kind'];

export interface StuckCase extends CaseRef {
  reasons: StuckReason[];
  activeStates: string[] | null;
}

export interface StuckOptions extends CaseFilter {
  /** An activity is "retrying past the threshold" from this attempt on (default 3). */
  attemptThreshold?: number;
  /** Fallback when DescribeTaskQueue is unimplemented: a task not picked up for this long means no worker (default 60s). */
  notPickedUpMs?: number;
  /** A poller that has not polled for this long is gone (default 2 min; DescribeTaskQueue keeps them listed). */
  pollerStaleMs?: number;
  /** Budget for the snapshot query (default 5s). */
  queryTimeoutMs?: number;
  kinds?: StuckKind[];
  /** Cases inspected at once (default 8). */
  concurrency?: number;
}

const TQ = proto.api.enums.v1.TaskQueueType;
const PAS = proto.api.enums.v1.PendingActivityState;

/** Pollers of a queue: live ones (polled within the staleness window), and when any was last seen. */
type PollerState = { live: number; lastSeen: string | null } | { unsupported: true };

/**
 * Per-run cache of DescribeTaskQueue answers. Temporal lists a poller for minutes after it stopped (with its
 * lastAccessTime, the start of its latest long poll), so a poller counts as live only if it polled within
 * `staleMs` (default 2 minutes: longer than the SDK's ~70 s long poll).
 */
export function pollerProbe(deps: OpsDeps, staleMs = 120_000) {
  const cache = new Map<string, Promise<PollerState>>();
  return (queue: string, type: 'workflow' | 'activity'): Promise<PollerState> => {
    const key = `${type}:${queue}`;
    let p = cache.get(key);
    if (!p) {
      p = deps.client.workflowService
        .describeTaskQueue({
          namespace: nsOf(deps),
          taskQueue: { name: queue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: type === 'workflow' ? TQ.TASK_QUEUE_TYPE_WORKFLOW : TQ.TASK_QUEUE_TYPE_ACTIVITY,
        })
        .then(
          (res): PollerState => {
            const now = nowOf(deps).getTime();
            const seen = (res.pollers ?? []).map((x) => tsToIso(x.lastAccessTime)).filter((t): t is string => t !== null).sort();
            const live = (res.pollers ?? []).filter((x) => {
              const at = tsToIso(x.lastAccessTime);
              return at === null || now - Date.parse(at) <= staleMs;
            }).length;
            return { live, lastSeen: seen[seen.length - 1] ?? null };
          },
          (err): PollerState => {
            if (isUnimplemented(err)) return { unsupported: true };
            throw err;
          },
        );
      cache.set(key, p);
    }
    return p;
  };
}

function noPollerEvidence(p: PollerState): string | null {
  if ('unsupported' in p || p.live > 0) return null;
  return p.lastSeen ? `no live poller (last poll ${p.lastSeen})` : 'no poller';
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
  try {
    return await Promise.race([p.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The snapshot, or null when the engine does not answer in time (no engine worker, failing workflow task). */
export async function trySnapshot(deps: OpsDeps, ref: Pick<CaseRef, 'workflowId' | 'runId'>, timeoutMs = 5_000): Promise<CaseSnapshot | null> {
  return withTimeout(deps.client.workflow.getHandle(ref.workflowId, ref.runId).query(snapshotQuery), timeoutMs);
}

async function lastWorkflowTaskFailure(deps: OpsDeps, ref: CaseRef): Promise<{ cause: string | null; message: string | null } | null> {
  const history = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory();
  const events = history.events ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.workflowTaskCompletedEventAttributes) return null;
    const f = e.workflowTaskFailedEventAttributes;
    if (f) {
      const cause = f.cause != null ? (proto.api.enums.v1.WorkflowTaskFailedCause[f.cause] ?? String(f.cause)) : null;
      return { cause: cause?.replace('WORKFLOW_TASK_FAILED_CAUSE_', '') ?? null, message: failureMessage(f.failure) };
    }
  }
  return null;
}

/** Why one case is stuck (empty when it is not). */
export async function inspectCase(
  deps: OpsDeps,
  ref: CaseRef,
  opts: StuckOptions = {},
  probe = pollerProbe(deps, opts.pollerStaleMs),
): Promise<StuckCase> {
  const now = nowOf(deps).getTime();
  const threshold = opts.attemptThreshold ?? 3;
  const notPickedUpMs = opts.notPickedUpMs ?? 60_000;
  const reasons: StuckReason[] = [];
  const desc = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).describe();
  const raw = desc.raw;

  const def = definitionOf(ref);
  for (const a of raw.pendingActivities ?? []) {
    // activityOptions is reported by recent servers; else the queue follows from the procedure's service declaration.
    const declared = def?.services.find((s) => s.name === a.activityType?.name);
    const taskQueue = a.activityOptions?.taskQueue?.name || (declared ? agencyTaskQueue(declared.agency) : '');
    const agency = agencyOfTaskQueue(taskQueue)?.id ?? null;
    const attempts = a.attempt ?? 1;
    if (attempts >= threshold) {
      const nextAttemptAt = a.nextAttemptScheduleTime
        ? tsToIso(a.nextAttemptScheduleTime)
        : a.state === PAS.PENDING_ACTIVITY_STATE_SCHEDULED && a.scheduledTime
          ? tsToIso(a.scheduledTime)
          : null;
      reasons.push({
        kind: 'activityRetrying',
        activityId: a.activityId ?? '',
        activityType: a.activityType?.name ?? '',
        agency,
        taskQueue,
        attempts,
        lastError: failureMessage(a.lastFailure),
        nextAttemptAt,
      });
    }
    const waitingSince = tsToIso(a.scheduledTime);
    const notStarted = a.state === PAS.PENDING_ACTIVITY_STATE_SCHEDULED;
    const due = waitingSince !== null && Date.parse(waitingSince) <= now;
    if (notStarted && due && taskQueue) {
      const p = await probe(taskQueue, 'activity');
      const evidence = noPollerEvidence(p);
      if (evidence) {
        reasons.push({ kind: 'noWorker', taskQueue, agency, waiting: a.activityType?.name ?? '', waitingSince, evidence });
      } else if ('unsupported' in p && now - Date.parse(waitingSince) >= notPickedUpMs) {
        reasons.push({
          kind: 'noWorker',
          taskQueue,
          agency,
          waiting: a.activityType?.name ?? '',
          waitingSince,
          evidence: `not picked up for ${Math.round((now - Date.parse(waitingSince)) / 1000)}s (DescribeTaskQueue unavailable)`,
        });
      }
    }
  }

  const wft = raw.pendingWorkflowTask;
  let engineAnswers = true;
  if (wft) {
    const attempt = wft.attempt ?? 1;
    if (attempt >= 2) {
      engineAnswers = false;
      const last = await lastWorkflowTaskFailure(deps, ref);
      reasons.push({ kind: 'workflowTaskFailing', attempt, cause: last?.cause ?? null, message: last?.message ?? null, agency: null });
    }
    const queue = raw.executionConfig?.taskQueue?.name ?? ENGINE_TASK_QUEUE;
    const scheduledAt = tsToIso(wft.scheduledTime);
    if (wft.state === proto.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED) {
      const p = await probe(queue, 'workflow');
      const evidence = noPollerEvidence(p);
      if (evidence) {
        engineAnswers = false;
        reasons.push({ kind: 'noWorker', taskQueue: queue, agency: null, waiting: 'workflow task', waitingSince: scheduledAt, evidence });
      } else if ('unsupported' in p && scheduledAt && now - Date.parse(scheduledAt) >= notPickedUpMs) {
        engineAnswers = false;
        reasons.push({
          kind: 'noWorker',
          taskQueue: queue,
          agency: null,
          waiting: 'workflow task',
          waitingSince: scheduledAt,
          evidence: `not picked up for ${Math.round((now - Date.parse(scheduledAt)) / 1000)}s (DescribeTaskQueue unavailable)`,
        });
      }
    }
  }

  let activeStates: string[] | null = null;
  if (engineAnswers && ref.status === 'RUNNING') {
    const snap = await trySnapshot(deps, ref, opts.queryTimeoutMs ?? 5_000);
    if (snap) {
      activeStates = snap.activeStates;
      for (const s of snap.steps) {
        if (s.completedAt !== null || s.dueAt === null) continue;
        const overdueMs = now - Date.parse(s.dueAt);
        if (overdueMs <= 0) continue;
        const awaiting = snap.acceptedEvents
          .filter((e) => e.actor === 'officer' || e.actor === 'citizen')
          .map((e) => ({ type: e.type, actor: e.actor, ...(e.agency ? { agency: e.agency } : {}), ...(e.actorId ? { actorId: e.actorId } : {}) }));
        const agency = awaiting.find((e) => e.agency)?.agency ?? (def?.agencies.length === 1 ? def.agencies[0] : null);
        reasons.push({ kind: 'pastDeadline', step: s.step, dueAt: s.dueAt, overdueMs, awaiting, agency });
      }
    }
  }

  let kept = opts.kinds ? reasons.filter((r) => opts.kinds!.includes(r.kind)) : reasons;
  if (opts.agency) kept = kept.filter((r) => r.agency === opts.agency);
  return { ...ref, reasons: kept, activeStates };
}

/** Open cases that are stuck, each with its reasons. */
export async function findStuck(deps: OpsDeps, opts: StuckOptions = {}): Promise<StuckCase[]> {
  const { agency, ...listFilter } = opts;
  const refs = await listCases(deps, listFilter);
  const probe = pollerProbe(deps, opts.pollerStaleMs);
  const candidates = refs.filter((ref) => {
    const def = agency ? definitionOf(ref) : null;
    return !def || (def.agencies as readonly string[]).includes(agency!);
  });
  // A few cases at a time: each inspection is 1–3 RPCs plus, for healthy engines, one query.
  const inspected: StuckCase[] = new Array(candidates.length);
  let next = 0;
  const lane = async () => {
    while (next < candidates.length) {
      const i = next++;
      inspected[i] = await inspectCase(deps, candidates[i], opts, probe);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, candidates.length) }, lane));
  return inspected.filter((s) => s.reasons.length > 0);
}

export function describeReason(r: StuckReason): string {
  switch (r.kind) {
    case 'activityRetrying':
      return `activity ${r.activityType} (${r.taskQueue}) retrying: attempt ${r.attempts}, last error: ${r.lastError ?? '?'}${r.nextAttemptAt ? `, next attempt ${r.nextAttemptAt}` : ''}`;
    case 'noWorker':
      return `no worker polls ${r.taskQueue} (${r.evidence}); waiting: ${r.waiting} since ${r.waitingSince ?? '?'}`;
    case 'pastDeadline':
      return `step ${r.step} past its legal deadline ${r.dueAt} (${Math.round(r.overdueMs / 3_600_000)}h overdue); awaiting ${r.awaiting.map((a) => `${a.type} by ${a.actor}${a.agency ? `@${a.agency}` : ''}`).join(', ') || 'nobody (system)'}`;
    case 'workflowTaskFailing':
      return `workflow task failing (attempt ${r.attempt}): ${r.cause ?? '?'} ${r.message ?? ''}`.trim();
  }
}
