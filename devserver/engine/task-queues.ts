/**
 * In-memory mirror of ds_tasks (the database stays authoritative): pollers take the next task here without a
 * query, and the claim (deleting the row) is part of the run's single write statement. Loaded from the
 * database at startup; new tasks are added after their transaction commits. An entry whose row is already
 * gone (e.g. a sticky task moved back to the normal queue) is simply skipped when its claim finds no row.
 */
import { asc } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import { dsTasks } from '../storage/schema';
import { queueKey } from '../matching';
import type { TaskInsert } from '../storage/store';

/** A task waiting on its queue; `enqueuedAtMs` (when it became visible) gives the backlog's age. */
export type QueuedTask = Omit<TaskInsert, 'visibleAt'> & { enqueuedAtMs?: number };

export class TaskQueues {
  private queues = new Map<string, QueuedTask[]>();

  constructor(private readonly now: () => number = Date.now) {}

  async load(db: Executor): Promise<number> {
    const rows = await db.select().from(dsTasks).orderBy(asc(dsTasks.id));
    for (const { visibleAt, ...r } of rows) this.push({ ...r, kind: r.kind as QueuedTask['kind'], enqueuedAtMs: visibleAt.getTime() });
    return rows.length;
  }

  push(t: QueuedTask): void {
    t.enqueuedAtMs ??= this.now();
    const k = queueKey(t.namespaceId, t.kind, t.taskQueue);
    let q = this.queues.get(k);
    if (!q) this.queues.set(k, (q = []));
    q.push(t);
  }

  putBack(t: QueuedTask): void {
    const k = queueKey(t.namespaceId, t.kind, t.taskQueue);
    let q = this.queues.get(k);
    if (!q) this.queues.set(k, (q = []));
    q.unshift(t);
  }

  take(namespaceId: string, kind: string, taskQueue: string): QueuedTask | undefined {
    const q = this.queues.get(queueKey(namespaceId, kind, taskQueue));
    return q?.shift();
  }

  size(namespaceId: string, kind: string, taskQueue: string): number {
    return this.queues.get(queueKey(namespaceId, kind, taskQueue))?.length ?? 0;
  }

  /** How long the task at the head of the queue (the next one a poller gets) has waited, in ms; 0 when none waits. */
  oldestAgeMs(namespaceId: string, kind: string, taskQueue: string): number {
    const head = this.queues.get(queueKey(namespaceId, kind, taskQueue))?.[0];
    return head?.enqueuedAtMs === undefined ? 0 : Math.max(0, this.now() - head.enqueuedAtMs);
  }
}
