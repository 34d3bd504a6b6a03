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

export type QueuedTask = Omit<TaskInsert, 'visibleAt'>;

export class TaskQueues {
  private queues = new Map<string, QueuedTask[]>();

  async load(db: Executor): Promise<number> {
    const rows = await db.select().from(dsTasks).orderBy(asc(dsTasks.id));
    for (const r of rows) this.push({ ...r, kind: r.kind as QueuedTask['kind'] });
    return rows.length;
  }

  push(t: QueuedTask): void {
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
}
