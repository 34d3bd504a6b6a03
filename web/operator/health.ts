/**
 * System health for operators: each task queue (the engine's and every agency's) with its pollers, backlog and
 * oldest waiting task; the workers by agency (the pollers' identities); the Temporal service (devserver or a cluster)
 * and the database; the schedules. Only public Temporal APIs: the same page works against a real cluster.
 */
import { sql } from 'drizzle-orm';
import { temporal as proto } from '../../ops/proto';
import { isUnimplemented, listCases, nowOf, nsOf, tsToIso, type OpsDeps } from '../../ops/common';
import { ENGINE_TASK_QUEUE } from '../../workflows/task-queues';
import { AGENCIES, agencyOfTaskQueue } from '../../agencies/index';

export interface QueueHealth {
  queue: string;
  /** null for the engine's (workflow) queue. */
  agency: string | null;
  type: 'workflow' | 'activity';
  pollers: { identity: string; lastAccessAt: string | null; live: boolean }[];
  livePollers: number;
  backlog: number | null;
  /** Age of the oldest task waiting on the queue (ms), and where the figure comes from. */
  oldestTaskAgeMs: number | null;
  oldestTaskSource: 'server' | 'openCases' | null;
  error?: string;
}

export interface ScheduleHealth {
  id: string;
  paused: boolean;
  workflowType: string | null;
  nextRunAt: string | null;
  lastRunAt: string | null;
}

export interface SystemHealth {
  checkedAt: string;
  queues: QueueHealth[];
  /** Agency → live worker identities polling its queue. */
  workersByAgency: { agency: string; workers: string[] }[];
  temporal: { ok: boolean; serverVersion?: string; latencyMs: number; error?: string };
  database: { ok: boolean; latencyMs: number; error?: string };
  schedules: { supported: boolean; items: ScheduleHealth[]; error?: string };
}

const TQ = proto.api.enums.v1.TaskQueueType;
const PAS = proto.api.enums.v1.PendingActivityState;
/** A poller counts as live when it polled within this window (ops/stuck.ts uses the same default). */
export const POLLER_STALE_MS = 120_000;
/** Open cases read for the oldest-task fallback when the server reports no backlog age. */
const OLDEST_TASK_SAMPLE = 200;

const durationMs = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null => {
  const iso = tsToIso(d);
  return iso === null ? null : Date.parse(iso);
};

async function timed<T>(run: () => Promise<T>): Promise<{ value?: T; ms: number; error?: string }> {
  const started = Date.now();
  try {
    const value = await run();
    return { value, ms: Date.now() - started };
  } catch (err) {
    return { ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

async function describeQueue(deps: OpsDeps, queue: string, type: 'workflow' | 'activity', now: number): Promise<QueueHealth> {
  const agency = agencyOfTaskQueue(queue)?.id ?? null;
  const base: QueueHealth = { queue, agency, type, pollers: [], livePollers: 0, backlog: null, oldestTaskAgeMs: null, oldestTaskSource: null };
  try {
    const res = await deps.client.workflowService.describeTaskQueue({
      namespace: nsOf(deps),
      taskQueue: { name: queue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: type === 'workflow' ? TQ.TASK_QUEUE_TYPE_WORKFLOW : TQ.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
      includeTaskQueueStatus: true,
    });
    const pollers = (res.pollers ?? []).map((p) => {
      const at = tsToIso(p.lastAccessTime);
      return { identity: p.identity ?? '?', lastAccessAt: at, live: at === null || now - Date.parse(at) <= POLLER_STALE_MS };
    });
    const backlog = res.stats?.approximateBacklogCount ?? res.taskQueueStatus?.backlogCountHint ?? null;
    const age = durationMs(res.stats?.approximateBacklogAge);
    return {
      ...base,
      pollers,
      livePollers: pollers.filter((p) => p.live).length,
      backlog: backlog === null ? null : Number(backlog),
      oldestTaskAgeMs: age && age > 0 ? age : null,
      oldestTaskSource: age && age > 0 ? 'server' : null,
    };
  } catch (err) {
    return { ...base, error: isUnimplemented(err) ? 'DescribeTaskQueue is not implemented by this server' : err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Oldest waiting task per queue from the open cases' pending work (DescribeWorkflowExecution: activities scheduled
 * and not started, the workflow task scheduled and not started), for servers that report no backlog age.
 */
async function oldestFromOpenCases(deps: OpsDeps, now: number): Promise<Map<string, number>> {
  const oldest = new Map<string, number>();
  const note = (queue: string, since: string | null) => {
    if (!since) return;
    const age = now - Date.parse(since);
    if (age > 0 && age > (oldest.get(queue) ?? 0)) oldest.set(queue, age);
  };
  const refs = await listCases(deps, { limit: OLDEST_TASK_SAMPLE });
  for (const ref of refs) {
    const raw = (await deps.client.workflow.getHandle(ref.workflowId, ref.runId).describe()).raw;
    for (const a of raw.pendingActivities ?? []) {
      if (a.state === PAS.PENDING_ACTIVITY_STATE_SCHEDULED && a.activityOptions?.taskQueue?.name) note(`activity:${a.activityOptions.taskQueue.name}`, tsToIso(a.scheduledTime));
    }
    const wft = raw.pendingWorkflowTask;
    if (wft && wft.state === proto.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED) {
      note(`workflow:${raw.executionConfig?.taskQueue?.name ?? ENGINE_TASK_QUEUE}`, tsToIso(wft.scheduledTime));
    }
  }
  return oldest;
}

async function schedules(deps: OpsDeps): Promise<SystemHealth['schedules']> {
  try {
    const items: ScheduleHealth[] = [];
    for await (const s of deps.client.schedule.list()) {
      items.push({
        id: s.scheduleId,
        paused: s.state.paused,
        workflowType: s.action?.type === 'startWorkflow' ? s.action.workflowType : null,
        nextRunAt: s.info.nextActionTimes[0]?.toISOString() ?? null,
        lastRunAt: s.info.recentActions.at(-1)?.takenAt.toISOString() ?? null,
      });
      if (items.length >= 100) break;
    }
    return { supported: true, items };
  } catch (err) {
    if (isUnimplemented(err)) return { supported: false, items: [] };
    return { supported: true, items: [], error: err instanceof Error ? err.message : String(err) };
  }
}

export async function systemHealth(deps: OpsDeps): Promise<SystemHealth> {
  const now = nowOf(deps).getTime();
  const wanted: [string, 'workflow' | 'activity'][] = [[ENGINE_TASK_QUEUE, 'workflow'], ...AGENCIES.map((a): [string, 'activity'] => [a.taskQueue, 'activity'])];
  const queues = await Promise.all(wanted.map(([q, t]) => describeQueue(deps, q, t, now)));
  if (queues.some((q) => q.oldestTaskSource === null && (q.backlog ?? 1) > 0)) {
    const fallback = await oldestFromOpenCases(deps, now).catch(() => new Map<string, number>());
    for (const q of queues) {
      const age = fallback.get(`${q.type}:${q.queue}`);
      if (q.oldestTaskSource === null && age !== undefined) Object.assign(q, { oldestTaskAgeMs: age, oldestTaskSource: 'openCases' });
    }
  }
  const [temporal, database, sched] = await Promise.all([
    timed(() => deps.client.workflowService.getSystemInfo({})),
    timed(() => deps.db.execute(sql`select 1`)),
    schedules(deps),
  ]);
  return {
    checkedAt: new Date(now).toISOString(),
    queues,
    workersByAgency: queues
      .filter((q) => q.agency !== null)
      .map((q) => ({ agency: q.agency!, workers: q.pollers.filter((p) => p.live).map((p) => p.identity) })),
    temporal: { ok: !temporal.error, latencyMs: temporal.ms, serverVersion: temporal.value?.serverVersion ?? undefined, ...(temporal.error ? { error: temporal.error } : {}) },
    database: { ok: !database.error, latencyMs: database.ms, ...(database.error ? { error: database.error } : {}) },
    schedules: sched,
  };
}
